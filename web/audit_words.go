package web

import "github.com/consentry/consentry/templates"

// auditFilterLabels are the audit trail's filters as its form labels them.
var auditFilterLabels = templates.Labels{"actor": "a_who", "action": "a_action", "from": "a_from", "to": "a_to"}
