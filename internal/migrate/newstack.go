package migrate

import (
	"fmt"
	"sort"
)

// NewResource is one resource block of the synthesized stack.
type NewResource struct {
	// Address is <type>.<logical id>, what a moved block's `to` names.
	Address   string
	Type      string
	LogicalID string
	// Path is the construct path cdktf records, e.g. ruk-scheduler-dev/Function-x/Role.
	Path string
	// Fields are the resource's arguments as synthesized; they may hold
	// references such as "${aws_vpc.Vpc_1234.id}".
	Fields map[string]any
}

// NewResources lists the resources of a synthesized stack (cdk.tf.json),
// sorted by address.
func NewResources(doc map[string]any) ([]NewResource, error) {
	all, ok := doc["resource"].(map[string]any)
	if !ok {
		if doc["resource"] == nil {
			return nil, nil
		}
		return nil, fmt.Errorf("synthesized stack: resource is not an object")
	}
	var out []NewResource
	for typ, byID := range all {
		ids, ok := byID.(map[string]any)
		if !ok {
			return nil, fmt.Errorf("synthesized stack: resource.%s is not an object", typ)
		}
		for id, body := range ids {
			fields, _ := body.(map[string]any)
			r := NewResource{Address: typ + "." + id, Type: typ, LogicalID: id, Fields: map[string]any{}}
			for k, v := range fields {
				if k == "//" {
					if meta, ok := v.(map[string]any)["metadata"].(map[string]any); ok {
						r.Path, _ = meta["path"].(string)
					}
					continue
				}
				r.Fields[k] = v
			}
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Address < out[j].Address })
	return out, nil
}
