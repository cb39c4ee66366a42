package awsstub

import (
	"encoding/json"
	"net/http"
	"strings"
)

// SSM and DynamoDB speak the JSON protocol: a POST whose X-Amz-Target
// header names the action, with a JSON body, answered in JSON.

// jsonRequest reads the action (the part of X-Amz-Target after the dot) and
// the body.
func jsonRequest(r *http.Request) (string, map[string]any) {
	_, action, _ := strings.Cut(r.Header.Get("X-Amz-Target"), ".")
	var body map[string]any
	json.NewDecoder(r.Body).Decode(&body)
	return action, body
}

func writeJSON(w http.ResponseWriter, contentType string, status int, v any) {
	w.Header().Set("Content-Type", contentType)
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

const ssmContentType = "application/x-amz-json-1.1"

func (s *tenant) ssm(w http.ResponseWriter, r *http.Request) (Call, bool) {
	action, body := jsonRequest(r)
	c := Call{Action: action}
	switch action {
	case "GetParameter":
		name, _ := body["Name"].(string)
		c.Subject = name
		value, ok := s.account.Parameters[name]
		if !ok {
			// Not a parameter the account holds: AWS's answer, and a call
			// the stacks were not known to make.
			writeJSON(w, ssmContentType, http.StatusBadRequest, map[string]any{"__type": "ParameterNotFound", "message": unexpectedMessage("ssm", "GetParameter "+name)})
			return c, false
		}
		writeJSON(w, ssmContentType, http.StatusOK, map[string]any{"Parameter": map[string]any{
			"ARN":              "arn:aws:ssm:" + s.account.Region + ":" + s.account.ID + ":parameter/" + strings.TrimPrefix(name, "/"),
			"DataType":         "text",
			"LastModifiedDate": 1.7e9,
			"Name":             name,
			"Type":             "String",
			"Value":            value,
			"Version":          1,
		}})
		return c, true
	}
	writeJSON(w, ssmContentType, http.StatusBadRequest, map[string]any{"__type": "InvalidAction", "message": unexpectedMessage("ssm", action)})
	return c, false
}

const dynamodbContentType = "application/x-amz-json-1.0"

func (s *tenant) dynamodb(w http.ResponseWriter, r *http.Request) (Call, bool) {
	action, body := jsonRequest(r)
	c := Call{Action: action}
	name, _ := body["TableName"].(string)
	if arn, ok := body["ResourceArn"].(string); ok {
		name = arn[strings.LastIndex(arn, "/")+1:]
	}
	c.Subject = name
	var table *Table
	for i := range s.account.Tables {
		if s.account.Tables[i].Name == name {
			table = &s.account.Tables[i]
		}
	}
	known := map[string]bool{"DescribeTable": true, "DescribeContinuousBackups": true, "DescribeTimeToLive": true, "ListTagsOfResource": true}
	if !known[action] {
		writeJSON(w, dynamodbContentType, http.StatusBadRequest, map[string]any{"__type": "com.amazon.coral.service#UnknownOperationException", "message": unexpectedMessage("dynamodb", action)})
		return c, false
	}
	if table == nil {
		writeJSON(w, dynamodbContentType, http.StatusBadRequest, map[string]any{"__type": "com.amazonaws.dynamodb.v20120810#ResourceNotFoundException", "message": "Requested resource not found: Table: " + name + " not found"})
		return c, true
	}
	arn := "arn:aws:dynamodb:" + s.account.Region + ":" + s.account.ID + ":table/" + table.Name
	switch action {
	case "DescribeTable":
		writeJSON(w, dynamodbContentType, http.StatusOK, map[string]any{"Table": map[string]any{
			"TableName":                 table.Name,
			"TableArn":                  arn,
			"TableId":                   "4f3c7d0e-0000-4000-8000-000000000001",
			"TableStatus":               "ACTIVE",
			"CreationDateTime":          1.7e9,
			"KeySchema":                 []any{map[string]any{"AttributeName": table.HashKey, "KeyType": "HASH"}},
			"AttributeDefinitions":      []any{map[string]any{"AttributeName": table.HashKey, "AttributeType": "S"}},
			"BillingModeSummary":        map[string]any{"BillingMode": table.BillingMode},
			"ProvisionedThroughput":     map[string]any{"NumberOfDecreasesToday": 0, "ReadCapacityUnits": 0, "WriteCapacityUnits": 0},
			"DeletionProtectionEnabled": table.DeletionProtection,
			"TableClassSummary":         map[string]any{"TableClass": "STANDARD"},
			"ItemCount":                 0,
			"TableSizeBytes":            0,
		}})
	case "DescribeContinuousBackups":
		pitr := "DISABLED"
		if table.PointInTimeRecovery {
			pitr = "ENABLED"
		}
		writeJSON(w, dynamodbContentType, http.StatusOK, map[string]any{"ContinuousBackupsDescription": map[string]any{
			"ContinuousBackupsStatus":        "ENABLED",
			"PointInTimeRecoveryDescription": map[string]any{"PointInTimeRecoveryStatus": pitr},
		}})
	case "DescribeTimeToLive":
		writeJSON(w, dynamodbContentType, http.StatusOK, map[string]any{"TimeToLiveDescription": map[string]any{"TimeToLiveStatus": "DISABLED"}})
	case "ListTagsOfResource":
		writeJSON(w, dynamodbContentType, http.StatusOK, map[string]any{"Tags": []any{}})
	}
	return c, true
}
