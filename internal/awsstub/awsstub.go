// Package awsstub is a stand-in for the few AWS API calls Terraform makes
// while it plans our stacks offline: an HTTP server on 127.0.0.1 that
// answers them from an Account held in memory, the way AWS answers them.
//
// It answers exactly the calls our stacks make (provider configuration,
// the data sources they read, the objects the platform stack imports).
// Every other call is refused with an error naming the service and action,
// and recorded (Server.Unexpected), so a new data source or import is
// noticed, never silently answered. A call that misses the stub's endpoint
// reaches it anyway as a proxy request (HTTPS_PROXY points here) and is
// refused and recorded the same way, naming the host it was meant for.
package awsstub

import (
	"fmt"
	"net"
	"net/http"
	"sort"
	"strings"
	"sync"
)

// Account is what the stand-in account holds.
type Account struct {
	// ID is the 12-digit account ID STS reports.
	ID string
	// Region is where the account's regional services answer.
	Region string
	// Parameters are SSM String parameters, value by name.
	Parameters map[string]string
	// Buckets, Tables and OIDCProviders are objects that already exist.
	Buckets       []Bucket
	Tables        []Table
	OIDCProviders []OIDCProvider
}

// Bucket is an S3 bucket, with the settings a read of it returns.
type Bucket struct {
	Name string
	// Versioning is "Enabled", "Suspended" or "" (never enabled).
	Versioning string
	// SSEAlgorithm is the default encryption ("AES256" since 2023 for
	// every bucket, or "aws:kms").
	SSEAlgorithm string
}

// Table is a DynamoDB table with one string hash key.
type Table struct {
	Name    string
	HashKey string
	// BillingMode is "PAY_PER_REQUEST" or "PROVISIONED".
	BillingMode         string
	PointInTimeRecovery bool
	DeletionProtection  bool
}

// OIDCProvider is an IAM OpenID Connect identity provider.
type OIDCProvider struct {
	// URL is the issuer without the scheme, as IAM returns it
	// ("token.actions.githubusercontent.com").
	URL         string
	ClientIDs   []string
	Thumbprints []string
}

// ARN is the provider's ARN in account.
func (p OIDCProvider) ARN(account string) string {
	return "arn:aws:iam::" + account + ":oidc-provider/" + p.URL
}

// Call is one request the stub received.
type Call struct {
	// Service is the signing name (sts, iam, ssm, s3, dynamodb), or the host
	// of a request that missed the endpoint.
	Service string
	// Action is the API operation (GetCallerIdentity, GetBucketVersioning).
	Action string
	// Subject names what the call was about (a parameter or bucket name),
	// when there is one.
	Subject string
}

func (c Call) String() string {
	s := c.Service + " " + c.Action
	if c.Subject != "" {
		s += " (" + c.Subject + ")"
	}
	return s
}

// Server is a running stub.
type Server struct {
	// tenants are the accounts by the access key that signs their calls;
	// the key "" answers every key when the stub serves one account.
	tenants  map[string]*tenant
	listener net.Listener
	http     *http.Server

	mu sync.Mutex
	// calls and unexpected are kept by the access key that signed them
	// ("" for a call that names no key the stub knows).
	calls      map[string][]Call
	unexpected map[string][]Call
	order      []Call
}

// tenant is one account the stub answers for.
type tenant struct{ account Account }

// Start serves account on a free port of 127.0.0.1 until Close, whatever
// access key signs the calls.
func Start(account Account) (*Server, error) {
	return StartAccounts(map[string]Account{"": account})
}

// StartAccounts serves several accounts on one port, each to the calls
// signed with its access key (the key of the map), so that several
// Terraform configurations in one run, each with its own key, are answered
// and recorded apart (CallsOf, UnexpectedOf). A call signed with any other
// key is unexpected.
func StartAccounts(byKey map[string]Account) (*Server, error) {
	s := &Server{tenants: map[string]*tenant{}, calls: map[string][]Call{}, unexpected: map[string][]Call{}}
	for key, a := range byKey {
		if a.Region == "" {
			return nil, fmt.Errorf("awsstub: Account.Region is empty; set the region the stacks' provider uses")
		}
		s.tenants[key] = &tenant{account: a}
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("awsstub: listen on 127.0.0.1: %w", err)
	}
	s.listener = l
	s.http = &http.Server{Handler: http.HandlerFunc(s.serve)}
	go s.http.Serve(l)
	return s, nil
}

// URL is the endpoint every AWS service should be pointed at.
func (s *Server) URL() string { return "http://" + s.listener.Addr().String() }

// Close stops the server.
func (s *Server) Close() error { return s.http.Close() }

// Calls returns every call received, answered or not, in arrival order.
func (s *Server) Calls() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.order...)
}

// CallsOf returns the calls signed with key, in arrival order; "" gives
// the calls no known key signed (a stub of one account records every call
// there).
func (s *Server) CallsOf(key string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Call(nil), s.calls[key]...)
}

// Unexpected returns the calls the stub does not answer, sorted and without
// duplicates: each is a call our stacks were not known to make.
func (s *Server) Unexpected() []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	var all []Call
	for _, list := range s.unexpected {
		all = append(all, list...)
	}
	return dedupe(all)
}

// UnexpectedOf is Unexpected for the calls signed with key (see CallsOf).
func (s *Server) UnexpectedOf(key string) []Call {
	s.mu.Lock()
	defer s.mu.Unlock()
	return dedupe(s.unexpected[key])
}

func dedupe(calls []Call) []Call {
	seen := map[Call]bool{}
	var out []Call
	for _, c := range calls {
		if !seen[c] {
			seen[c] = true
			out = append(out, c)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].String() < out[j].String() })
	return out
}

func (s *Server) record(key string, c Call, answered bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.order = append(s.order, c)
	s.calls[key] = append(s.calls[key], c)
	if !answered {
		s.unexpected[key] = append(s.unexpected[key], c)
	}
}

// serve routes a request by the access key and the service named in its
// signature, as AWS's own endpoints are per service.
func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodConnect || r.URL.IsAbs() {
		// A client that ignored the endpoint and went through the proxy.
		s.record("", Call{Service: r.Host, Action: r.Method}, false)
		http.Error(w, "awsstub: unexpected request for "+r.Host+": every AWS call must go to the stub's endpoint", http.StatusForbidden)
		return
	}
	key, service := signature(r.Header.Get("Authorization"))
	t, known := s.tenants[key]
	if !known {
		key = ""
		t = s.tenants[""]
	}
	var h handler
	switch {
	case t == nil:
		h = unknownService // signed with a key no account has
	case service == "sts":
		h = t.sts
	case service == "iam":
		h = t.iam
	case service == "ssm":
		h = t.ssm
	case service == "dynamodb":
		h = t.dynamodb
	case service == "s3":
		h = t.s3
	default:
		h = unknownService
	}
	c, answered := h(w, r)
	c.Service = service
	s.record(key, c, answered)
}

// handler answers one request; it returns the call it saw and whether the
// stub knows it.
type handler func(w http.ResponseWriter, r *http.Request) (Call, bool)

func unknownService(w http.ResponseWriter, r *http.Request) (Call, bool) {
	action := r.Header.Get("X-Amz-Target")
	if action == "" {
		r.ParseForm()
		action = r.Form.Get("Action")
	}
	if action == "" {
		action = r.Method + " " + r.URL.Path
	}
	http.Error(w, "awsstub: unexpected call "+action, http.StatusBadRequest)
	return Call{Action: action}, false
}

// signature reads the access key and the service from a SigV4
// Authorization header:
// "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-2/sts/aws4_request, ...".
func signature(auth string) (key, service string) {
	_, cred, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return "", "unsigned"
	}
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(cred, "/")
	if len(parts) != 5 {
		return "", "unsigned"
	}
	return parts[0], parts[3]
}

// unexpectedMessage is the message of every refusal, so Terraform's error
// output names the call too.
func unexpectedMessage(service, action string) string {
	return fmt.Sprintf("awsstub: unexpected call %s %s: the offline plan's stub does not answer it; if a stack now reads this, teach internal/awsstub the answer AWS gives (docs/verification.md)", service, action)
}
