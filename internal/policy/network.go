package policy

import (
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"

	"fmt"
	"strings"
)

// anywhere are the CIDRs that mean "the whole internet".
var anywhere = map[string]bool{"0.0.0.0/0": true, "::/0": true}

// publicALBPorts are the only ports an internet-facing load balancer's
// security group may open to the internet.
var publicALBPorts = map[float64]bool{80: true, 443: true}

// ingress is one inbound rule, wherever it was declared.
type ingress struct {
	owner    block  // the resource declaring the rule
	group    string // reference to the security group ("${aws_security_group.X.id}") or the group's own address
	cidrs    []string
	from, to float64
	protocol string
}

func checkIngress(s *Stack) []Violation {
	albGroups := map[string]bool{}
	for _, typ := range []string{"aws_lb", "aws_alb"} {
		for _, lb := range s.resources(typ) {
			if t := tfjson.Str(lb.Fields, "load_balancer_type"); t != "" && t != "application" {
				continue
			}
			for _, g := range stringList(lb.Fields["security_groups"]) {
				albGroups[g] = true
			}
		}
	}
	var rules []ingress
	for _, sg := range s.resources("aws_security_group") {
		ref := fmt.Sprintf("${aws_security_group.%s.id}", sg.ID)
		for _, in := range objects(sg.Fields["ingress"]) {
			from, _ := tfjson.Num(in, "from_port")
			to, _ := tfjson.Num(in, "to_port")
			rules = append(rules, ingress{owner: sg, group: ref, from: from, to: to, protocol: tfjson.Str(in, "protocol"),
				cidrs: append(stringList(in["cidr_blocks"]), stringList(in["ipv6_cidr_blocks"])...)})
		}
	}
	for _, r := range s.resources("aws_security_group_rule") {
		if tfjson.Str(r.Fields, "type") != "ingress" {
			continue
		}
		from, _ := tfjson.Num(r.Fields, "from_port")
		to, _ := tfjson.Num(r.Fields, "to_port")
		rules = append(rules, ingress{owner: r, group: tfjson.Str(r.Fields, "security_group_id"), from: from, to: to, protocol: tfjson.Str(r.Fields, "protocol"),
			cidrs: append(stringList(r.Fields["cidr_blocks"]), stringList(r.Fields["ipv6_cidr_blocks"])...)})
	}
	for _, r := range s.resources("aws_vpc_security_group_ingress_rule") {
		from, _ := tfjson.Num(r.Fields, "from_port")
		to, _ := tfjson.Num(r.Fields, "to_port")
		var cidrs []string
		for _, k := range []string{"cidr_ipv4", "cidr_ipv6"} {
			if c := tfjson.Str(r.Fields, k); c != "" {
				cidrs = append(cidrs, c)
			}
		}
		rules = append(rules, ingress{owner: r, group: tfjson.Str(r.Fields, "security_group_id"), from: from, to: to, protocol: tfjson.Str(r.Fields, "ip_protocol"), cidrs: cidrs})
	}

	var out []Violation
	for _, r := range rules {
		var open []string
		for _, c := range r.cidrs {
			if anywhere[c] {
				open = append(open, c)
			}
		}
		if len(open) == 0 {
			continue
		}
		tcp := r.protocol == "tcp" || r.protocol == "6"
		if albGroups[r.group] && tcp && r.from == r.to && publicALBPorts[r.from] {
			continue // the internet-facing ALB on 80/443, by design
		}
		what := fmt.Sprintf("ports %g-%g/%s", r.from, r.to, r.protocol)
		if !albGroups[r.group] {
			what += " on a security group no application load balancer uses"
		}
		out = append(out, s.violation(r.owner, RulePublicIngress,
			"allow ingress from a security group (e.g. the ALB's) or a private CIDR; only an application load balancer's group may be open to the internet, on tcp 80 and 443",
			"allows ingress from %s to %s", strings.Join(open, " and "), what))
	}
	return out
}
