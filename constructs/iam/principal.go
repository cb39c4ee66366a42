package iam

// ServicePrincipal trusts an AWS service, restricted to one account with
// aws:SourceAccount so the service cannot be used as a confused deputy from
// another account.
func ServicePrincipal(service, accountID string) Statement {
	s := Statement{
		Effect:    "Allow",
		Principal: map[string]any{"Service": service},
		Actions:   []string{"sts:AssumeRole"},
	}
	if accountID != "" {
		s.Condition = map[string]map[string]any{
			"StringEquals": {"aws:SourceAccount": accountID},
		}
	}
	return s
}
