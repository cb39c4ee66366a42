package awsstub_test

import (
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/internal/awsstub"
)

// These tests send requests shaped as the AWS SDK for Go v2 sends them
// (SigV4 credential scope naming the service, query or JSON protocol) and
// check the answers against AWS's documented responses. Terraform itself
// judges the stub in the projects package's Terraform test.

func start(t *testing.T) *awsstub.Server {
	t.Helper()
	s, err := awsstub.Start(awsstub.Account{
		ID: "111122223333", Region: "us-east-2",
		Parameters: map[string]string{"/p/dev/url": "https://example.test"},
		Buckets:    []awsstub.Bucket{{Name: "state", Versioning: "Enabled", SSEAlgorithm: "AES256"}},
		Tables:     []awsstub.Table{{Name: "lock", HashKey: "LockID", BillingMode: "PAY_PER_REQUEST"}},
		OIDCProviders: []awsstub.OIDCProvider{{URL: "token.actions.githubusercontent.com",
			ClientIDs: []string{"sts.amazonaws.com"}, Thumbprints: []string{"6938fd4d98bab03faadb97b34396831e3780aea1"}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if !strings.HasPrefix(s.URL(), "http://127.0.0.1:") {
		t.Fatalf("URL %s is not on the loopback address", s.URL())
	}
	return s
}

func auth(service string) string {
	return "AWS4-HMAC-SHA256 Credential=AKIAEXAMPLE/20260101/us-east-2/" + service + "/aws4_request, SignedHeaders=host, Signature=0"
}

func query(t *testing.T, s *awsstub.Server, service string, form url.Values) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Authorization", auth(service))
	return do(t, req)
}

func jsonCall(t *testing.T, s *awsstub.Server, service, target, body string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, s.URL()+"/", strings.NewReader(body))
	req.Header.Set("X-Amz-Target", target)
	req.Header.Set("Authorization", auth(service))
	return do(t, req)
}

func do(t *testing.T, req *http.Request) (int, string) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func TestCallerIdentityIsAnAssumedRoleOfTheAccount(t *testing.T) {
	s := start(t)
	code, body := query(t, s, "sts", url.Values{"Action": {"GetCallerIdentity"}, "Version": {"2011-06-15"}})
	var resp struct {
		Result struct {
			Arn, Account string
		} `xml:"GetCallerIdentityResult"`
	}
	if err := xml.Unmarshal([]byte(body), &resp); err != nil || code != 200 {
		t.Fatalf("status %d, body %s (%v)", code, body, err)
	}
	if resp.Result.Account != "111122223333" || !strings.HasPrefix(resp.Result.Arn, "arn:aws:sts::111122223333:assumed-role/") {
		t.Errorf("identity %+v, want an assumed role of 111122223333", resp.Result)
	}
}

// IAM answers GetUser without a user name, called with a role's
// credentials, with a 400 ValidationError; the provider then asks STS.
func TestGetUserWithRoleCredentialsIsAValidationError(t *testing.T) {
	s := start(t)
	code, body := query(t, s, "iam", url.Values{"Action": {"GetUser"}, "Version": {"2010-05-08"}})
	if code != 400 || !strings.Contains(body, "<Code>ValidationError</Code>") || !strings.Contains(body, "non-User credentials") {
		t.Errorf("status %d, body %s; want 400 ValidationError", code, body)
	}
	if len(s.Unexpected()) != 0 {
		t.Errorf("GetUser is a call the provider makes; recorded as unexpected: %v", s.Unexpected())
	}
}

func TestParametersTheAccountHoldsAndOnlyThose(t *testing.T) {
	s := start(t)
	code, body := jsonCall(t, s, "ssm", "AmazonSSM.GetParameter", `{"Name":"/p/dev/url","WithDecryption":true}`)
	if code != 200 || !strings.Contains(body, `"Value":"https://example.test"`) || !strings.Contains(body, `"Type":"String"`) {
		t.Errorf("status %d, body %s", code, body)
	}
	code, body = jsonCall(t, s, "ssm", "AmazonSSM.GetParameter", `{"Name":"/p/dev/other"}`)
	if code != 400 || !strings.Contains(body, "ParameterNotFound") {
		t.Errorf("unknown parameter: status %d, body %s; want 400 ParameterNotFound", code, body)
	}
	want := "ssm GetParameter (/p/dev/other)"
	if got := s.Unexpected(); len(got) != 1 || got[0].String() != want {
		t.Errorf("unexpected calls %v, want [%s]", got, want)
	}
}

// A call nobody taught the stub fails, and is recorded naming the service
// and the action, in each protocol.
func TestUnknownCallsAreRefusedAndNamed(t *testing.T) {
	s := start(t)
	if code, body := query(t, s, "ec2", url.Values{"Action": {"DescribeVpcs"}}); code != 400 || !strings.Contains(body, "DescribeVpcs") {
		t.Errorf("ec2: status %d, body %s", code, body)
	}
	if code, body := query(t, s, "iam", url.Values{"Action": {"GetRole"}, "RoleName": {"x"}}); code != 400 || !strings.Contains(body, "unexpected call iam GetRole") {
		t.Errorf("iam GetRole: status %d, body %s", code, body)
	}
	if code, _ := jsonCall(t, s, "dynamodb", "DynamoDB_20120810.Scan", `{"TableName":"lock"}`); code != 400 {
		t.Errorf("dynamodb Scan: status %d", code)
	}
	req, _ := http.NewRequest(http.MethodPut, s.URL()+"/state/key", strings.NewReader("x"))
	req.Header.Set("Authorization", auth("s3"))
	if code, _ := do(t, req); code != 400 {
		t.Errorf("s3 PutObject: status %d", code)
	}
	var got []string
	for _, c := range s.Unexpected() {
		got = append(got, c.String())
	}
	want := []string{"dynamodb Scan (lock)", "ec2 DescribeVpcs", "iam GetRole", "s3 PUT /state/key (state)"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("unexpected calls\n got %v\nwant %v", got, want)
	}
}

// A client that ignores the endpoint and goes to a real AWS host reaches
// the stub as its proxy, is refused, and is recorded by host.
func TestRequestsForRealHostsAreRefused(t *testing.T) {
	s := start(t)
	proxy, _ := url.Parse(s.URL())
	client := &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}}
	resp, err := client.Get("http://iam.amazonaws.com/?Action=GetRole")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("status %d, want 403", resp.StatusCode)
	}
	if _, err := (&http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(proxy)}}).Get("https://sts.amazonaws.com/"); err == nil {
		t.Errorf("an HTTPS request through the stub succeeded; want the CONNECT refused")
	}
	var got []string
	for _, c := range s.Unexpected() {
		got = append(got, c.String())
	}
	if strings.Join(got, "; ") != "iam.amazonaws.com GET; sts.amazonaws.com:443 CONNECT" {
		t.Errorf("unexpected calls %v", got)
	}
}

func TestBucketReads(t *testing.T) {
	s := start(t)
	get := func(path string) (int, string) {
		req, _ := http.NewRequest(http.MethodGet, s.URL()+path, nil)
		req.Header.Set("Authorization", auth("s3"))
		return do(t, req)
	}
	if code, body := get("/state?versioning"); code != 200 || !strings.Contains(body, "<Status>Enabled</Status>") {
		t.Errorf("versioning: %d %s", code, body)
	}
	if code, body := get("/state?policy"); code != 404 || !strings.Contains(body, "NoSuchBucketPolicy") {
		t.Errorf("policy: %d %s; want S3's 404 NoSuchBucketPolicy", code, body)
	}
	if code, body := get("/other?versioning"); code != 404 || !strings.Contains(body, "NoSuchBucket") {
		t.Errorf("missing bucket: %d %s", code, body)
	}
	if len(s.Unexpected()) != 0 {
		t.Errorf("unexpected: %v", s.Unexpected())
	}
}

// Several configurations planned in one Terraform run share one stub, each
// signing with its own key: each is answered from its own account only, and
// its calls are recorded apart.
func TestAccountsAreAnsweredAndRecordedByAccessKey(t *testing.T) {
	account := func(param string) awsstub.Account {
		return awsstub.Account{ID: "111122223333", Region: "us-east-2", Parameters: map[string]string{param: "v"}}
	}
	s, err := awsstub.StartAccounts(map[string]awsstub.Account{"AKIAA": account("/a/dev/url"), "AKIAB": account("/b/dev/url")})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	getParameter := func(key, name string) int {
		req, _ := http.NewRequest(http.MethodPost, s.URL()+"/", strings.NewReader(`{"Name":"`+name+`"}`))
		req.Header.Set("X-Amz-Target", "AmazonSSM.GetParameter")
		req.Header.Set("Authorization", strings.Replace(auth("ssm"), "AKIAEXAMPLE", key, 1))
		code, _ := do(t, req)
		return code
	}
	if code := getParameter("AKIAA", "/a/dev/url"); code != 200 {
		t.Errorf("A reading its own parameter: status %d", code)
	}
	if code := getParameter("AKIAB", "/a/dev/url"); code == 200 {
		t.Error("B read A's parameter")
	}
	if code := getParameter("AKIAOTHER", "/a/dev/url"); code == 200 {
		t.Error("a key of no account read A's parameter")
	}
	want := map[string]string{
		"AKIAA": "", "AKIAB": "ssm GetParameter (/a/dev/url)", "": "ssm AmazonSSM.GetParameter",
	}
	for key, unexpected := range want {
		var got []string
		for _, c := range s.UnexpectedOf(key) {
			got = append(got, c.String())
		}
		if strings.Join(got, "; ") != unexpected {
			t.Errorf("unexpected calls of %q: %q, want %q", key, got, unexpected)
		}
	}
	if a := s.CallsOf("AKIAA"); len(a) != 1 || a[0].String() != "ssm GetParameter (/a/dev/url)" {
		t.Errorf("calls of A: %v", a)
	}
	if n := len(s.Calls()); n != 3 {
		t.Errorf("%d calls in all, want 3", n)
	}
}
