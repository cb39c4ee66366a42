package cost

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
)

// PricesFile is the one data file every price comes from, relative to the
// repository root.
const PricesFile = "internal/cost/prices-us-east-2.json"

//go:embed prices-us-east-2.json
var pricesJSON []byte

// Price is one AWS list price and where it was read.
type Price struct {
	USD    float64 `json:"usd"`
	Unit   string  `json:"unit"`
	Source string  `json:"source"`
	Note   string  `json:"note"`
}

// PriceList is the dated price file.
type PriceList struct {
	Region   string           `json:"region"`
	Currency string           `json:"currency"`
	AsOf     string           `json:"as_of"`
	Note     string           `json:"note"`
	Prices   map[string]Price `json:"prices"`
}

// requiredPrices are the keys the estimator reads.
var requiredPrices = []string{
	"lambda_request", "lambda_gb_second_x86", "lambda_gb_second_arm", "scheduler_invocation",
	"fargate_vcpu_hour_x86", "fargate_gb_hour_x86", "fargate_vcpu_hour_arm", "fargate_gb_hour_arm",
	"alb_hour", "alb_lcu_hour", "nat_gateway_hour", "nat_gateway_gb", "public_ipv4_hour",
	"vpc_interface_endpoint_az_hour", "vpc_interface_endpoint_gb", "secret_month", "secret_api_call",
	"logs_ingest_gb", "logs_storage_gb_month", "waf_web_acl_month", "waf_rule_month", "waf_request",
	"ecr_storage_gb_month", "kms_key_month", "cloudwatch_alarm_month",
	"sns_publish", "sns_email_notification", "route53_standard_query",
}

// LoadPrices reads the embedded price file and checks it is complete: every
// price the estimator needs present, positive, with a unit and a source.
func LoadPrices() (PriceList, error) { return parsePrices(pricesJSON) }

func parsePrices(raw []byte) (PriceList, error) {
	var pl PriceList
	dec := json.NewDecoder(strings.NewReader(string(raw)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&pl); err != nil {
		return pl, fmt.Errorf("%s: %v", PricesFile, err)
	}
	var problems []string
	if pl.AsOf == "" || pl.Region == "" {
		problems = append(problems, "as_of and region are required")
	}
	for _, k := range requiredPrices {
		p, ok := pl.Prices[k]
		switch {
		case !ok:
			problems = append(problems, fmt.Sprintf("price %q is missing", k))
		case p.USD <= 0 || p.Unit == "" || !strings.HasPrefix(p.Source, "https://"):
			problems = append(problems, fmt.Sprintf("price %q needs a positive usd, a unit and an https source", k))
		}
	}
	if len(problems) > 0 {
		sort.Strings(problems)
		return pl, fmt.Errorf("%s: %s", PricesFile, strings.Join(problems, "; "))
	}
	return pl, nil
}

func (pl PriceList) usd(key string) float64 {
	p, ok := pl.Prices[key]
	if !ok {
		panic("cost: price " + key + " not in " + PricesFile) // LoadPrices checked requiredPrices
	}
	return p.USD
}
