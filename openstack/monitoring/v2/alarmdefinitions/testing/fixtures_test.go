package testing

import (
	"fmt"
	"net/http"

	"github.com/monhook/monhook/openstack/monitoring/v2/alarmdefinitions"
)

const defID = "b461d659-577b-4d63-9782-a99194d4a472"
const nmID = "35cc6f1c-3a29-49fb-a6fc-d9d97d190508"

// CreateRequest is what Create must send for CreateOptsFull.
const CreateRequest = `{"name":"cpu high","expression":"avg(cpu.idle_perc{hostname=h1}) < 10",
 "match_by":["hostname"],"severity":"LOW","alarm_actions":["35cc6f1c-3a29-49fb-a6fc-d9d97d190508"]}`

// CreateOptsFull is the request that CreateRequest encodes.
var CreateOptsFull = alarmdefinitions.CreateOpts{
	Name:         "cpu high",
	Expression:   "avg(cpu.idle_perc{hostname=h1}) < 10",
	MatchBy:      []string{"hostname"},
	Severity:     "LOW",
	AlarmActions: []string{nmID},
}

// DefinitionBody is the 201 example of reference §4.
const DefinitionBody = `{"id":"b461d659-577b-4d63-9782-a99194d4a472","name":"cpu high","description":"","expression":"avg(cpu.idle_perc{hostname=h1}) < 10",
 "deterministic":false,"match_by":["hostname"],"severity":"LOW","actions_enabled":true,
 "alarm_actions":["35cc6f1c-3a29-49fb-a6fc-d9d97d190508"],"ok_actions":[],"undetermined_actions":[],
 "links":[{"rel":"self","href":"%[1]s/v2.0/alarm-definitions/b461d659-577b-4d63-9782-a99194d4a472"}]}`

// ExpectedDefinition is DefinitionBody decoded.
var ExpectedDefinition = alarmdefinitions.AlarmDefinition{
	ID:                  defID,
	Name:                "cpu high",
	Description:         "",
	Expression:          "avg(cpu.idle_perc{hostname=h1}) < 10",
	Deterministic:       false,
	MatchBy:             []string{"hostname"},
	Severity:            "LOW",
	ActionsEnabled:      true,
	AlarmActions:        []string{nmID},
	OKActions:           []string{},
	UndeterminedActions: []string{},
}

// Two pages (limit=1). The next link is built by helpers.paginate_alarming:
// offset = old offset + limit, other query parameters kept.
const listPage1 = `{"links":[{"rel":"self","href":"%[1]s/v2.0/alarm-definitions?limit=1&name=cpu+high"},
 {"rel":"next","href":"%[1]s/v2.0/alarm-definitions?limit=1&name=cpu+high&offset=1"}],
 "elements":[` + DefinitionBody + `]}`

const listPage2 = `{"links":[{"rel":"self","href":"%[1]s/v2.0/alarm-definitions?limit=1&name=cpu+high&offset=1"}],
 "elements":[{"id":"c0000000-0000-4000-8000-000000000002","name":"cpu high","description":"second","expression":"max(cpu.idle_perc, deterministic) > 0",
 "deterministic":true,"match_by":[],"severity":"HIGH","actions_enabled":false,
 "alarm_actions":[],"ok_actions":["35cc6f1c-3a29-49fb-a6fc-d9d97d190508"],"undetermined_actions":[],
 "links":[{"rel":"self","href":"%[1]s/v2.0/alarm-definitions/c0000000-0000-4000-8000-000000000002"}]}]}`

// ExpectedSecond is listPage2's element decoded.
var ExpectedSecond = alarmdefinitions.AlarmDefinition{
	ID: "c0000000-0000-4000-8000-000000000002", Name: "cpu high", Description: "second",
	Expression: "max(cpu.idle_perc, deterministic) > 0", Deterministic: true, MatchBy: []string{},
	Severity: "HIGH", ActionsEnabled: false, AlarmActions: []string{}, OKActions: []string{nmID},
	UndeterminedActions: []string{},
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	fmt.Fprint(w, body)
}

// definitionBody renders DefinitionBody for a server.
func definitionBody(host string) string { return fmt.Sprintf(DefinitionBody, host) }
