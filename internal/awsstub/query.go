package awsstub

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"strings"
)

// STS and IAM speak the query protocol: a form-encoded POST naming the
// Action, answered in XML.

const requestID = "00000000-0000-4000-8000-000000000000"

func (s *tenant) sts(w http.ResponseWriter, r *http.Request) (Call, bool) {
	r.ParseForm()
	c := Call{Action: r.Form.Get("Action")}
	switch c.Action {
	case "GetCallerIdentity":
		// The caller is an assumed role, as in CI and for anyone who signs
		// in through SSO.
		writeXML(w, http.StatusOK, "GetCallerIdentityResponse", "https://sts.amazonaws.com/doc/2011-06-15/",
			struct {
				XMLName xml.Name `xml:"GetCallerIdentityResult"`
				Arn     string
				UserId  string
				Account string
			}{Arn: "arn:aws:sts::" + s.account.ID + ":assumed-role/offline-plan/terraform", UserId: "AROAOFFLINEPLAN:terraform", Account: s.account.ID})
		return c, true
	}
	queryError(w, http.StatusBadRequest, "https://sts.amazonaws.com/doc/2011-06-15/", "InvalidAction", unexpectedMessage("sts", c.Action))
	return c, false
}

const iamNamespace = "https://iam.amazonaws.com/doc/2010-05-08/"

func (s *tenant) iam(w http.ResponseWriter, r *http.Request) (Call, bool) {
	r.ParseForm()
	c := Call{Action: r.Form.Get("Action")}
	switch c.Action {
	case "GetUser":
		// What IAM answers GetUser without a UserName when the credentials
		// are a role's, not a user's: the provider then asks STS.
		queryError(w, http.StatusBadRequest, iamNamespace, "ValidationError", "Must specify userName when calling with non-User credentials")
		return c, true
	case "ListOpenIDConnectProviders":
		type member struct {
			Arn string
		}
		var list []member
		for _, p := range s.account.OIDCProviders {
			list = append(list, member{p.ARN(s.account.ID)})
		}
		writeXML(w, http.StatusOK, "ListOpenIDConnectProvidersResponse", iamNamespace, struct {
			XMLName xml.Name `xml:"ListOpenIDConnectProvidersResult"`
			List    []member `xml:"OpenIDConnectProviderList>member"`
		}{List: list})
		return c, true
	case "GetOpenIDConnectProvider":
		arn := r.Form.Get("OpenIDConnectProviderArn")
		c.Subject = arn
		for _, p := range s.account.OIDCProviders {
			if p.ARN(s.account.ID) == arn {
				writeXML(w, http.StatusOK, "GetOpenIDConnectProviderResponse", iamNamespace, struct {
					XMLName     xml.Name `xml:"GetOpenIDConnectProviderResult"`
					Url         string
					ClientIDs   []string `xml:"ClientIDList>member"`
					Thumbprints []string `xml:"ThumbprintList>member"`
					CreateDate  string
					Tags        string
				}{Url: p.URL, ClientIDs: p.ClientIDs, Thumbprints: p.Thumbprints, CreateDate: "2024-01-15T10:00:00Z"})
				return c, true
			}
		}
		queryError(w, http.StatusNotFound, iamNamespace, "NoSuchEntity", fmt.Sprintf("OpenIDConnect Provider not found for arn %s", arn))
		return c, true
	case "ListOpenIDConnectProviderTags":
		// Objects created by hand carry no tags.
		c.Subject = r.Form.Get("OpenIDConnectProviderArn")
		writeXML(w, http.StatusOK, "ListOpenIDConnectProviderTagsResponse", iamNamespace, struct {
			XMLName     xml.Name `xml:"ListOpenIDConnectProviderTagsResult"`
			IsTruncated bool
			Tags        string
		}{})
		return c, true
	}
	queryError(w, http.StatusBadRequest, iamNamespace, "InvalidAction", unexpectedMessage("iam", c.Action))
	return c, false
}

// writeXML writes <name xmlns=ns><result/><ResponseMetadata/></name>.
func writeXML(w http.ResponseWriter, status int, name, ns string, result any) {
	body, err := xml.Marshal(result)
	if err != nil {
		panic(err) // our own fixed shapes
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<%s xmlns="%s">%s<ResponseMetadata><RequestId>%s</RequestId></ResponseMetadata></%s>`, name, ns, body, requestID, name)
}

func queryError(w http.ResponseWriter, status int, ns, code, message string) {
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<ErrorResponse xmlns="%s"><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>%s</RequestId></ErrorResponse>`,
		ns, code, xmlEscape(message), requestID)
}

func xmlEscape(s string) string {
	var b strings.Builder
	xml.EscapeText(&b, []byte(s))
	return b.String()
}
