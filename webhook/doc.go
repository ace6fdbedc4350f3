// Package webhook is the HTTP request monasca-notification's webhook plugin
// makes, shared by everything in monhook that sends or judges one: the body
// (ten keys, in the plugin's order), its encoding (simplejson.dumps, see
// package pyjson), the headers python-requests adds, Monasca's retry
// policy and a periodic method's re-sends (Sender.Repeat). The lab's
// notification engine, `monhook send` and the receiver's
// expectations all come from here, so they cannot drift apart.
//
// Source: monasca-notification plugins/webhook_notifier.py and
// notification.py, monasca-api v2/reference/alarming.py (read at the last
// commit before the project's retirement).
package webhook
