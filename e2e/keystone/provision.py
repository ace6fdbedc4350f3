"""Provision and verify monhook's e2e accounts in a real Keystone.

Run by keystone.sh with /usr/bin/python3 (stdlib only, one process, so the
whole job takes well under a second instead of ~10 s of CLI start-ups).

    provision.py provision [MONASCA_URL]
    provision.py register-endpoint MONASCA_URL

Every step is idempotent: it looks the object up first and creates it only
if it is missing, so running it twice against the same database is harmless.
Credentials come from the environment (KS_*_PASSWORD), never from argv.
Logs go to stderr and never contain passwords, secrets or tokens.
"""

import json
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

AUTH_URL = os.environ["KS_AUTH_URL"].rstrip("/")
REGION = os.environ.get("KS_REGION", "RegionOne")
STATE_DIR = os.environ["KS_STATE_DIR"]
DOMAIN = "default"
PROJECT = "monasca-smoke"
SERVICE_PROJECT = "service"
APPCRED_NAME = "monhook-e2e"

# name -> (password env var, project, role). monasca-smoke-noroles gets only a
# non-Monasca role, so the Forbidden path (401 titled Forbidden) can be tested.
USERS = {
    "monasca-smoke-user": ("KS_USER_PASSWORD", PROJECT, "monasca-user"),
    "monasca-smoke-agent": ("KS_AGENT_PASSWORD", PROJECT, "monasca-agent"),
    "monasca-smoke-readonly": ("KS_READONLY_PASSWORD", PROJECT, "monasca-read-only-user"),
    "monasca-smoke-noroles": ("KS_NOROLES_PASSWORD", PROJECT, "member"),
    # The lab (external-Keystone mode) validates user tokens with this account
    # through GET /v3/auth/tokens, which Keystone 22's default policy allows
    # for the admin role (and for the token's own subject).
    "monasca-lab-service": ("KS_SERVICE_PASSWORD", SERVICE_PROJECT, "admin"),
}
ROLES = ["monasca-user", "monasca-agent", "monasca-read-only-user", "member"]

T0 = time.monotonic()


def log(msg):
    print("[provision.py +%.2fs] %s" % (time.monotonic() - T0, msg), file=sys.stderr)


class HTTPFailure(Exception):
    def __init__(self, method, path, status, body):
        super().__init__("%s %s -> %s: %s" % (method, path, status, body[:300]))
        self.status = status


def call(method, path, token=None, body=None, headers=None, ok=(200, 201, 204)):
    """One request; returns (status, headers, parsed JSON or None)."""
    url = path if path.startswith("http") else AUTH_URL + path
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(url, data=data, method=method)
    req.add_header("Accept", "application/json")
    if data is not None:
        req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("X-Auth-Token", token)
    for k, v in (headers or {}).items():
        req.add_header(k, v)
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            raw = resp.read()
            status, hdrs = resp.status, resp.headers
    except urllib.error.HTTPError as e:
        raw, status, hdrs = e.read(), e.code, e.headers
    if status not in ok:
        raise HTTPFailure(method, path, status, raw.decode(errors="replace"))
    return status, hdrs, (json.loads(raw) if raw else None)


def password_token(user, password, project, domain=DOMAIN):
    body = {"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": user, "domain": {"id": domain}, "password": password}}},
        "scope": {"project": {"name": project, "domain": {"id": domain}}},
    }}
    _, hdrs, doc = call("POST", "/auth/tokens", body=body, ok=(201,))
    return hdrs["X-Subject-Token"], doc["token"]


def appcred_token(cred_id, secret):
    body = {"auth": {"identity": {"methods": ["application_credential"],
                                  "application_credential": {"id": cred_id, "secret": secret}}}}
    _, hdrs, doc = call("POST", "/auth/tokens", body=body, ok=(201,))
    return hdrs["X-Subject-Token"], doc["token"]


def find(token, collection, key, **query):
    q = urllib.parse.urlencode(query)
    _, _, doc = call("GET", "/%s?%s" % (collection, q), token)
    return doc[key]


def ensure(token, collection, singular, match, create):
    """Returns the id of the object matching `match` (a dict of query
    params), creating it with body `create` when there is none."""
    found = find(token, collection, collection, **match)
    if found:
        return found[0]["id"]
    _, _, doc = call("POST", "/" + collection, token, {singular: create})
    log("created %s %s" % (singular, create.get("name", "")))
    return doc[singular]["id"]


def ensure_endpoint(token, url):
    svc = ensure(token, "services", "service", {"type": "monitoring", "name": "monasca"},
                 {"name": "monasca", "type": "monitoring", "description": "Monasca monitoring"})
    eps = [e for e in find(token, "endpoints", "endpoints", service_id=svc, interface="public")
           if e.get("region_id") == REGION]
    if not eps:
        call("POST", "/endpoints", token, {"endpoint": {
            "service_id": svc, "interface": "public", "region_id": REGION, "url": url}})
        log("created public monitoring endpoint")
    elif eps[0]["url"] != url:
        call("PATCH", "/endpoints/" + eps[0]["id"], token, {"endpoint": {"url": url}})
        log("updated public monitoring endpoint")
    for extra in eps[1:]:  # duplicates would make the catalog ambiguous
        call("DELETE", "/endpoints/" + extra["id"], token)


def ensure_user(token, name, password, project_id):
    found = find(token, "users", "users", name=name, domain_id=DOMAIN)
    if not found:
        _, _, doc = call("POST", "/users", token, {"user": {
            "name": name, "domain_id": DOMAIN, "password": password,
            "default_project_id": project_id, "enabled": True}})
        log("created user %s" % name)
        return doc["user"]["id"]
    uid = found[0]["id"]
    try:
        _check_password(name, password)
    except HTTPFailure:
        call("PATCH", "/users/" + uid, token, {"user": {"password": password, "enabled": True}})
        # A password change revokes every token of the user issued in the same
        # second (reference/keystone.md, pitfall 2); let that second pass.
        time.sleep(1.1)
        log("reset password of existing user %s" % name)
    return uid


def _check_password(name, password):
    body = {"auth": {"identity": {"methods": ["password"], "password": {"user": {
        "name": name, "domain": {"id": DOMAIN}, "password": password}}}}}
    call("POST", "/auth/tokens", body=body, ok=(201,))


def read_appcred():
    try:
        with open(os.path.join(STATE_DIR, "appcred")) as f:
            kv = dict(line.strip().split("=", 1) for line in f if "=" in line)
        return kv.get("KS_APPCRED_ID"), kv.get("KS_APPCRED_SECRET")
    except OSError:
        return None, None


def write_appcred(cred_id, secret):
    path = os.path.join(STATE_DIR, "appcred")
    tmp = path + ".tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write("KS_APPCRED_ID=%s\nKS_APPCRED_SECRET=%s\n" % (cred_id, secret))
    os.replace(tmp, path)


def ensure_appcred(user_id):
    """An application credential of monasca-smoke-user (it inherits the
    user's monasca-user role on the project). Keystone never shows a secret
    again, so an existing credential is kept only if the saved secret works."""
    utok, _ = password_token("monasca-smoke-user", os.environ["KS_USER_PASSWORD"], PROJECT)
    base = "/users/%s/application_credentials" % user_id
    existing = find(utok, base.lstrip("/"), "application_credentials", name=APPCRED_NAME)
    saved_id, saved_secret = read_appcred()
    if existing and existing[0]["id"] == saved_id:
        try:
            appcred_token(saved_id, saved_secret)
            return
        except HTTPFailure:
            pass
    for cred in existing:
        call("DELETE", "%s/%s" % (base, cred["id"]), utok)
    secret = os.urandom(24).hex()
    _, _, doc = call("POST", base, utok, {"application_credential": {
        "name": APPCRED_NAME, "secret": secret,
        "description": "monhook e2e: monasca-smoke-user on monasca-smoke"}})
    write_appcred(doc["application_credential"]["id"], secret)
    log("created application credential %s" % APPCRED_NAME)


def role_names(token_doc):
    return sorted(r["name"] for r in token_doc.get("roles", []))


def monitoring_urls(token_doc):
    return [e["url"] for s in token_doc.get("catalog", []) if s.get("type") == "monitoring"
            for e in s.get("endpoints", [])
            if e.get("interface") == "public" and e.get("region_id", e.get("region")) == REGION]


def verify(monasca_url):
    """Checks what the e2e tests rely on, through the real token API."""
    utok, udoc = password_token("monasca-smoke-user", os.environ["KS_USER_PASSWORD"], PROJECT)
    if "monasca-user" not in role_names(udoc):
        raise SystemExit("verify: monasca-smoke-user token lacks monasca-user: %s" % role_names(udoc))
    if monasca_url is not None and monitoring_urls(udoc) != [monasca_url]:
        raise SystemExit("verify: catalog monitoring endpoints %s, want [%s]"
                         % (monitoring_urls(udoc), monasca_url))
    _, adoc = password_token("monasca-smoke-agent", os.environ["KS_AGENT_PASSWORD"], PROJECT)
    if "monasca-agent" not in role_names(adoc):
        raise SystemExit("verify: agent token lacks monasca-agent: %s" % role_names(adoc))
    _, ndoc = password_token("monasca-smoke-noroles", os.environ["KS_NOROLES_PASSWORD"], PROJECT)
    if any(r.startswith("monasca-") for r in role_names(ndoc)):
        raise SystemExit("verify: noroles token has a monasca role: %s" % role_names(ndoc))
    # The lab's service account must be able to validate a user token.
    stok, _ = password_token("monasca-lab-service", os.environ["KS_SERVICE_PASSWORD"], SERVICE_PROJECT)
    _, _, vdoc = call("GET", "/auth/tokens", stok, headers={"X-Subject-Token": utok}, ok=(200,))
    if vdoc["token"]["project"]["name"] != PROJECT:
        raise SystemExit("verify: validated token has project %s" % vdoc["token"]["project"]["name"])
    cid, csecret = read_appcred()
    if cid:
        _, cdoc = appcred_token(cid, csecret)
        if "monasca-user" not in role_names(cdoc):
            raise SystemExit("verify: application credential token lacks monasca-user")
    log("verified: roles %s, monitoring %s, service validation ok, application credential ok"
        % (role_names(udoc), monitoring_urls(udoc) or "(not registered)"))


def provision(monasca_url):
    admin, _ = password_token("admin", os.environ["KS_ADMIN_PASSWORD"], "admin")
    if monasca_url:
        ensure_endpoint(admin, monasca_url)
    roles = {name: ensure(admin, "roles", "role", {"name": name}, {"name": name})
             for name in ROLES}
    roles["admin"] = find(admin, "roles", "roles", name="admin")[0]["id"]
    projects = {name: ensure(admin, "projects", "project", {"name": name, "domain_id": DOMAIN},
                             {"name": name, "domain_id": DOMAIN,
                              "description": "monhook e2e" if name == PROJECT else "service accounts"})
                for name in (PROJECT, SERVICE_PROJECT)}
    user_ids = {}
    for name, (pw_env, project, role) in USERS.items():
        uid = ensure_user(admin, name, os.environ[pw_env], projects[project])
        call("PUT", "/projects/%s/users/%s/roles/%s" % (projects[project], uid, roles[role]), admin)
        user_ids[name] = uid
    ensure_appcred(user_ids["monasca-smoke-user"])
    verify(monasca_url or None)


def register_endpoint(monasca_url):
    admin, _ = password_token("admin", os.environ["KS_ADMIN_PASSWORD"], "admin")
    ensure_endpoint(admin, monasca_url)
    verify(monasca_url)


def main(argv):
    if len(argv) >= 2 and argv[1] == "provision" and len(argv) <= 3:
        provision(argv[2] if len(argv) == 3 else "")
    elif len(argv) == 3 and argv[1] == "register-endpoint":
        register_endpoint(argv[2])
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    try:
        main(sys.argv)
    except HTTPFailure as e:
        raise SystemExit("provision.py: %s" % e)
