// An express-style webhook consumer on the fixed path /openstack/alerts, as
// the classic recipe's Node app: 200 for a JSON POST there, 404 ("Cannot
// POST <path>") anywhere else. Test data for monhook's e2e suite, run as a
// separate process: node alerts_consumer.js PORT (0 picks a free port; the
// port is printed on stdout once listening). Each alarm_id received is
// printed on stdout.
const http = require("http");

const server = http.createServer((req, res) => {
  let body = "";
  req.on("data", (chunk) => (body += chunk));
  req.on("end", () => {
    if (req.method !== "POST" || req.url !== "/openstack/alerts") {
      res.writeHead(404, { "Content-Type": "text/html" });
      res.end(`Cannot ${req.method} ${req.url}\n`);
      return;
    }
    try {
      const alert = JSON.parse(body);
      console.log(`alarm ${alert.alarm_id} ${alert.state}`);
      res.writeHead(200, { "Content-Type": "application/json" });
      res.end('{"received":true}');
    } catch (e) {
      res.writeHead(400);
      res.end("bad json\n");
    }
  });
});

server.listen(Number(process.argv[2]), "127.0.0.1", () => {
  console.log(server.address().port);
});
