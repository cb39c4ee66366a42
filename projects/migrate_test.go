package projects_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/fractallabsdev/talkwise-infra/constructs/core"
	"github.com/fractallabsdev/talkwise-infra/constructs/stack"
	"github.com/fractallabsdev/talkwise-infra/internal/migrate"
	"github.com/fractallabsdev/talkwise-infra/internal/synth"
	"github.com/fractallabsdev/talkwise-infra/internal/synthtest"
	"github.com/fractallabsdev/talkwise-infra/internal/tfjson"
	"github.com/fractallabsdev/talkwise-infra/projects"
)

// migrateFixtures holds the HCL deployments' states the migration tests
// start from (internal/migrate/testdata, written by its gen program:
// `go generate ./internal/migrate/`).
const migrateFixtures = "../internal/migrate/testdata"

// workspace copies what a project's stacks read (its project folder and the
// Lambda sources) into a temporary root, so a test writes its mapping file
// there and never into the repository.
func workspace(t *testing.T, project string) string {
	t.Helper()
	repo := synthtest.RepoRoot(t)
	root := t.TempDir()
	copyTree(t, filepath.Join(repo, "projects", project), filepath.Join(root, "projects", project), "migrations")
	copyTree(t, filepath.Join(repo, "lambdas"), filepath.Join(root, "lambdas"), "node_modules")
	return root
}

func copyTree(t *testing.T, src, dst, skip string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && d.Name() == skip {
			return filepath.SkipDir
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

func project(t *testing.T, name string) stack.Project {
	t.Helper()
	for _, p := range projects.All() {
		if p.Name == name {
			return p
		}
	}
	t.Skipf("project %s is not registered in projects.All()", name)
	return stack.Project{}
}

// synthesizer builds one stack as `go run . migrate` does: without its
// mapping file, into a temporary folder.
func synthesizer(t *testing.T, root string, p stack.Project, n core.Names) func() (map[string]any, error) {
	return func() (map[string]any, error) {
		outdir := t.TempDir()
		defer synthtest.LockJSII()()
		app := synth.NewApp(outdir)
		if _, err := synth.Build(app, []stack.Project{p}, synth.Options{Root: root, Outdir: outdir, BuildDir: t.TempDir(),
			Only: []string{n.StackName()}, SkipMigrations: true}); err != nil {
			return nil, err
		}
		app.Synth()
		return tfjson.ReadStack(outdir, n.StackName())
	}
}

// movedBlocks reads the moved blocks of a synthesized stack as from -> to.
func movedBlocks(t *testing.T, st *synthtest.Stack) map[string]string {
	t.Helper()
	out := map[string]string{}
	list, _ := st.Doc["moved"].([]any)
	for _, b := range list {
		m, _ := b.(map[string]any)
		from, _ := m["from"].(string)
		to, _ := m["to"].(string)
		if _, dup := out[from]; dup {
			t.Errorf("two moved blocks from %s", from)
		}
		out[from] = to
	}
	return out
}

// removedBlocks reads the removed blocks of a synthesized stack, failing on
// any that would destroy.
func removedBlocks(t *testing.T, st *synthtest.Stack) map[string]bool {
	t.Helper()
	out := map[string]bool{}
	list, _ := st.Doc["removed"].([]any)
	for _, b := range list {
		m, _ := b.(map[string]any)
		from, _ := m["from"].(string)
		lc, _ := m["lifecycle"].(map[string]any)
		if lc["destroy"] != false {
			t.Errorf("removed block for %s has lifecycle %v, want destroy = false", from, m["lifecycle"])
		}
		out[from] = true
	}
	return out
}

type fixtureCase struct {
	project string
	env     core.Environment
	// want maps each old managed address to the construct path of its new
	// counterpart (stable and readable, unlike hashed logical IDs).
	want map[string]string
	// old resources that hold nothing in AWS, forgotten automatically.
	stateOnly []string
	// create are the construct paths of the new resources the HCL project
	// never had: migrate must report exactly these as would-be-created, and
	// once the user accepts them, they are the only resources created.
	create []string
	// replace are the construct paths of the resources Terraform's plan
	// replaces because the design changed them, with the reason a user
	// accepts each under accept.replace.
	replace map[string]string
	// planFormat is the fixture format Terraform plans the mapping
	// against (one per fixture: a plan takes tens of seconds).
	planFormat string
	// regrouped maps the old address of each schedule to the construct path
	// of its counterpart in the stack's own schedule group: migrate accepts
	// deleting the one and creating the other without asking (a schedule
	// cannot change group, and holds no data).
	regrouped map[string]string
}

func checkFixture(t *testing.T, c fixtureCase) {
	p := project(t, c.project)
	n := core.Names{Project: c.project, Environment: c.env}
	for _, format := range []string{"show.json", "tfstate"} {
		t.Run(format, func(t *testing.T) {
			root := workspace(t, c.project)
			run := func() *migrate.Report {
				rep, err := migrate.Run(migrate.Options{
					Root: root, Names: n, StatePath: filepath.Join(migrateFixtures, n.StackName()+"."+format),
					Synthesize: synthesizer(t, root, p, n),
				})
				if err != nil {
					t.Fatal(err)
				}
				return rep
			}
			rep := run()
			pathOf := map[string]string{}
			for _, r := range rep.New {
				pathOf[r.Address] = strings.TrimPrefix(r.Path, n.StackName()+"/")
			}
			// The resources the HCL project never had are the only open
			// decisions; the user accepts their creation and runs again.
			var openCreate []string
			accept := ""
			for _, u := range rep.OpenCreate {
				openCreate = append(openCreate, pathOf[u.Address])
				accept += "    - address: '" + u.Address + "'\n      reason: new in the CDKTF design\n"
			}
			sort.Strings(openCreate)
			sort.Strings(c.create)
			if strings.Join(openCreate, ",") != strings.Join(c.create, ",") {
				t.Fatalf("would be created: %v, want %v", openCreate, c.create)
			}
			// The user accepts the creations, and the replacements the
			// design brings, each with its reason.
			replace := ""
			for _, r := range rep.New {
				if why, ok := c.replace[pathOf[r.Address]]; ok {
					replace += "    - address: '" + r.Address + "'\n      reason: '" + strings.ReplaceAll(why, "'", "''") + "'\n"
				}
			}
			if accept != "" || replace != "" {
				file := filepath.Join(root, rep.File)
				text, err := os.ReadFile(file)
				if err != nil {
					t.Fatal(err)
				}
				edited := string(text)
				if accept != "" {
					edited = addAccepted(edited, "create", accept)
				}
				if replace != "" {
					edited = addAccepted(edited, "replace", replace)
				}
				if edited == string(text) {
					t.Fatalf("no create or replace list to edit in:\n%s", text)
				}
				if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
					t.Fatal(err)
				}
				rep = run()
			}
			var sb strings.Builder
			migrate.PrintReport(&sb, rep)
			if rep.Outstanding() != 0 || len(rep.Result.Ambiguous) != 0 {
				t.Fatalf("want every resource matched, report:\n%s", sb.String())
			}
			// Every other new resource has an old counterpart: only the
			// accepted ones are created, nothing is imported.
			var created, destroyed []string
			for _, a := range rep.AcceptedCreate {
				created = append(created, pathOf[a.Address])
			}
			for _, a := range rep.AcceptedDestroy {
				destroyed = append(destroyed, a.Address)
				if !strings.HasPrefix(a.Reason, "re-created by migrate: ") {
					t.Errorf("%s accepted for destruction by %q; only regrouped schedules may be", a.Address, a.Reason)
				}
			}
			wantCreated, wantDestroyed := c.created(), c.destroyed()
			sort.Strings(created)
			sort.Strings(destroyed)
			if strings.Join(created, ",") != strings.Join(wantCreated, ",") || len(rep.Imports) != 0 {
				t.Errorf("created %v, want only %v, and no import; report:\n%s", created, wantCreated, sb.String())
			}
			if strings.Join(destroyed, ",") != strings.Join(wantDestroyed, ",") {
				t.Errorf("destroyed %v, want only the regrouped schedules %v; report:\n%s", destroyed, wantDestroyed, sb.String())
			}
			var forgotten []string
			for _, f := range rep.Forgotten {
				forgotten = append(forgotten, f.Address)
			}
			sort.Strings(c.stateOnly)
			if strings.Join(forgotten, ",") != strings.Join(c.stateOnly, ",") {
				t.Errorf("forgotten = %v, want only the state-only %v", forgotten, c.stateOnly)
			}
			got := map[string]string{}
			for _, mv := range rep.Result.Moves {
				got[mv.From] = pathOf[mv.To]
			}
			for from, wantPath := range c.want {
				if got[from] != wantPath {
					t.Errorf("%s moved to %q, want %q", from, got[from], wantPath)
				}
			}
			for from := range got {
				if _, ok := c.want[from]; !ok {
					t.Errorf("unexpected move from %s to %s", from, got[from])
				}
			}
			if len(rep.New) != len(c.want)+len(c.created()) {
				t.Errorf("new stack has %d resources, the fixture's expectations cover %d", len(rep.New), len(c.want)+len(c.created()))
			}

			// Synthesizing with the mapping file emits one moved block per move.
			stacks, err := synthtest.SynthProjects(t, []stack.Project{p}, root)
			if err != nil {
				t.Fatal(err)
			}
			moved := movedBlocks(t, stacks[n.StackName()])
			for _, mv := range rep.Result.Moves {
				if moved[mv.From] != mv.To {
					t.Errorf("moved block from %s: to = %q, want %q", mv.From, moved[mv.From], mv.To)
				}
			}
			if len(moved) != len(rep.Result.Moves) {
				t.Errorf("%d moved blocks, want %d", len(moved), len(rep.Result.Moves))
			}
			// State-only resources are forgotten with removed blocks, so the
			// plan destroys nothing at all.
			wantRemoved := map[string]bool{}
			for _, a := range c.stateOnly {
				wantRemoved[migrate.ResourceAddress(a)] = true
			}
			if got := removedBlocks(t, stacks[n.StackName()]); !reflect.DeepEqual(got, wantRemoved) {
				t.Errorf("removed blocks (destroy = false) for %v, want %v", got, wantRemoved)
			}
			if format == c.planFormat {
				checkPlan(t, rep, filepath.Join(migrateFixtures, n.StackName()+"."+format), stacks[n.StackName()].Dir, pathOf, c)
			}
		})
	}
}

// created are the construct paths the migration creates: the new ones and
// the regrouped schedules, sorted.
func (c fixtureCase) created() []string {
	out := append([]string{}, c.create...)
	for _, to := range c.regrouped {
		out = append(out, to)
	}
	sort.Strings(out)
	return out
}

// destroyed are the old addresses the migration deletes: the regrouped
// schedules, sorted.
func (c fixtureCase) destroyed() []string {
	var out []string
	for from := range c.regrouped {
		out = append(out, from)
	}
	sort.Strings(out)
	return out
}

// checkPlan has Terraform plan the stack, synthesized with the mapping,
// against the fixture: every old resource is moved, nothing is destroyed,
// only the accepted resources are created or replaced, and every in-place
// update has a known reason.
func checkPlan(t *testing.T, rep *migrate.Report, state, stackDir string, pathOf map[string]string, c fixtureCase) {
	tc := toolchain(t)
	check, err := migrate.PlanMapping(context.Background(), tc, rep, state, stackDir, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	var out strings.Builder
	migrate.PrintPlan(&out, check)
	t.Logf("%s", out.String())
	if check.Failed() || check.Result.Plan == nil {
		t.Fatalf("Terraform's plan fails the mapping:\n%s", out.String())
	}
	n := check.Result.Plan.Counts
	if n.Delete != len(c.regrouped) || n.Move != len(c.want) {
		t.Errorf("plan: %d destroyed, %d moved; want only the %d regrouped schedules destroyed and all %d other old resources moved",
			n.Delete, n.Move, len(c.regrouped), len(c.want))
	}
	var created, replaced []string
	for _, ch := range check.Result.Plan.Changes {
		switch ch.Action {
		case "create":
			created = append(created, pathOf[ch.Address])
		case "replace":
			replaced = append(replaced, pathOf[ch.Address])
		}
	}
	var wantReplaced []string
	for p := range c.replace {
		wantReplaced = append(wantReplaced, p)
	}
	sort.Strings(created)
	sort.Strings(replaced)
	sort.Strings(wantReplaced)
	if strings.Join(created, ",") != strings.Join(c.created(), ",") || strings.Join(replaced, ",") != strings.Join(wantReplaced, ",") {
		t.Errorf("plan creates %v and replaces %v; want exactly the accepted %v and %v", created, replaced, c.created(), wantReplaced)
	}
	if u := check.Unexplained(); len(u) > 0 {
		t.Errorf("in-place updates nobody explained (add the reason to updateReasons and docs/migrating-from-hcl.md, or remove the difference): %v", u)
	}
}

// rukSchedulerMoves is where each resource of the HCL ruk-scheduler dev
// deployment lands, by construct path.
func rukSchedulerMoves() map[string]string {
	return map[string]string{
		`module.lambda["message-hub-dispatch"].aws_lambda_function.this`:      "Function-message-hub-dispatch/Resource",
		`module.lambda["message-hub-dispatch"].aws_cloudwatch_log_group.this`: "Function-message-hub-dispatch/Logs/Resource",
		`module.iam.aws_iam_role.lambda["message-hub-dispatch"]`:              "Function-message-hub-dispatch/Role/Resource",
		`module.iam.aws_iam_role_policy.lambda["message-hub-dispatch"]`:       "Function-message-hub-dispatch/Role/Policy",
		`module.scheduler.aws_iam_role.scheduler[0]`:                          "Schedules/Role/Resource",
		`module.scheduler.aws_iam_role_policy.scheduler[0]`:                   "Schedules/Role/Policy",
		`module.github_oidc.aws_iam_role.github_actions`:                      "GitHubActions/Role/Resource",
		`module.github_oidc.aws_iam_role_policy.github_actions`:               "GitHubActions/Role/Policy",
	}
}

// New in the CDKTF design: the read-only role pull requests plan with (the
// HCL project planned with its one CI role, constructs/infraci), the alarm
// topic and alarms, and the stack's own schedule group.
var rukSchedulerCreates = []string{"GitHubPlan/Role/Resource", "GitHubPlan/Role/Policy",
	"Alarms/Resource", "Alarms/Policy", "Schedules/Group", "Schedules/FailedInvocationsAlarm/Resource",
	"Function-message-hub-dispatch/Alarms/Errors/Resource", "Function-message-hub-dispatch/Alarms/Throttles/Resource",
	"Function-message-hub-dispatch/Alarms/Duration/Resource"}

// rukSchedulerRegrouped is the schedule that moves from the default group
// into the stack's own.
var rukSchedulerRegrouped = map[string]string{
	`module.scheduler.aws_scheduler_schedule.this["dispatch-due-messages"]`: "Schedules/Schedule-dispatch-due-messages",
}

func TestRukSchedulerDevFixtureIsFullyMatched(t *testing.T) {
	t.Parallel() // mostly Terraform's time: see TestMain
	checkFixture(t, fixtureCase{
		project: "ruk-scheduler", env: core.Dev,
		want:      rukSchedulerMoves(),
		stateOnly: []string{`module.lambda["message-hub-dispatch"].null_resource.build`},
		create:    rukSchedulerCreates,
		regrouped: rukSchedulerRegrouped,
		// Terraform plans the show.json form (converted to a state file).
		planFormat: "show.json",
	})
}

func writeMapping(t *testing.T, root string, n core.Names, body string) {
	t.Helper()
	path := filepath.Join(root, migrate.File(n.Project, n.Environment))
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

// acceptNewInDesign starts the mapping file as a user who ran migrate once
// and accepted the creation of what the HCL project never had (the
// read-only plan role, the alarm topic, the alarms, the schedule group), so
// a test sees only the decision it is about.
func acceptNewInDesign(t *testing.T, root string, p stack.Project, n core.Names) {
	t.Helper()
	doc, err := synthesizer(t, root, p, n)()
	if err != nil {
		t.Fatal(err)
	}
	news, err := migrate.NewResources(doc)
	if err != nil {
		t.Fatal(err)
	}
	body, count := "stack: "+n.StackName()+"\naccept:\n  create:\n", 0
	for _, r := range news {
		path := strings.TrimPrefix(r.Path, n.StackName()+"/")
		if strings.HasPrefix(path, "GitHubPlan/") || strings.HasPrefix(path, "Alarms/") || strings.Contains(path, "Alarm") ||
			path == "Schedules/Group" {
			body += "    - address: '" + r.Address + "'\n      reason: new in the CDKTF design\n"
			count++
		}
	}
	// The plan role and its policy, the topic and its policy, the schedule
	// group, the function's three alarms and the group's.
	if count != 9 {
		t.Fatalf("the stack has %d resources new in the design, want 9", count)
	}
	writeMapping(t, root, n, body)
}

func TestMappingNamingAMissingResourceFailsSynth(t *testing.T) {
	p := project(t, "ruk-scheduler")
	n := core.Names{Project: "ruk-scheduler", Environment: core.Dev}
	root := workspace(t, n.Project)
	writeMapping(t, root, n, `stack: ruk-scheduler-dev
moves:
  - from: module.iam.aws_iam_role.lambda["message-hub-dispatch"]
    to: aws_iam_role.Function-renamed_Role_00000000
`)
	_, err := synthtest.SynthProjects(t, []stack.Project{p}, root)
	if err == nil {
		t.Fatal("synthesized; want an error for the stale move")
	}
	want := "projects/ruk-scheduler/migrations/dev.yaml:4: moves[0].to: aws_iam_role.Function-renamed_Role_00000000 is not a resource of stack ruk-scheduler-dev"
	if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "make migrate") {
		t.Errorf("error:\n%v\nwant it to contain:\n%s\nand say how to fix it", err, want)
	}
}

func TestImportsBecomeImportBlocks(t *testing.T) {
	p := project(t, "ruk-scheduler")
	n := core.Names{Project: "ruk-scheduler", Environment: core.Dev}
	root := workspace(t, n.Project)
	// Find the log group's address the way a user would: from the stack.
	doc, err := synthesizer(t, root, p, n)()
	if err != nil {
		t.Fatal(err)
	}
	news, err := migrate.NewResources(doc)
	if err != nil {
		t.Fatal(err)
	}
	var logGroup string
	for _, r := range news {
		if r.Type == "aws_cloudwatch_log_group" {
			logGroup = r.Address
		}
	}
	writeMapping(t, root, n, "stack: ruk-scheduler-dev\nimports:\n  - to: "+logGroup+"\n    id: /aws/lambda/ruk-scheduler-dev-message-hub-dispatch\n")
	stacks, err := synthtest.SynthProjects(t, []stack.Project{p}, root)
	if err != nil {
		t.Fatal(err)
	}
	imports, _ := stacks[n.StackName()].Doc["import"].([]any)
	if len(imports) != 1 {
		t.Fatalf("import blocks = %v, want one", stacks[n.StackName()].Doc["import"])
	}
	got, _ := imports[0].(map[string]any)
	if got["to"] != logGroup || got["id"] != "/aws/lambda/ruk-scheduler-dev-message-hub-dispatch" {
		t.Errorf("import block = %v", got)
	}
	if stacks[n.StackName()].Doc["moved"] != nil {
		t.Errorf("moved blocks without moves: %v", stacks[n.StackName()].Doc["moved"])
	}
}

// An old resource the new design drops is reported and fails the run until
// the user accepts it; the acceptance, like pins, survives the next run.
func TestUnmatchedResourceNeedsAcceptance(t *testing.T) {
	p := project(t, "ruk-scheduler")
	n := core.Names{Project: "ruk-scheduler", Environment: core.Dev}
	root := workspace(t, n.Project)
	acceptNewInDesign(t, root, p, n)
	state := addResource(t, filepath.Join(migrateFixtures, "ruk-scheduler-dev.tfstate"), `{
		"module": "module.iam", "mode": "managed", "type": "aws_iam_role_policy_attachment", "name": "basic",
		"provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
		"instances": [{"index_key": "message-hub-dispatch", "schema_version": 0, "attributes": {
			"id": "ruk-scheduler-dev-message-hub-dispatch-20260114102159000000000001",
			"role": "ruk-scheduler-dev-message-hub-dispatch",
			"policy_arn": "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole"}}]}`)
	run := func() *migrate.Report {
		rep, err := migrate.Run(migrate.Options{Root: root, Names: n, StatePath: state, Synthesize: synthesizer(t, root, p, n)})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	attachment := `module.iam.aws_iam_role_policy_attachment.basic["message-hub-dispatch"]`
	rep := run()
	if rep.Outstanding() != 1 || len(rep.OpenDestroy) != 1 || rep.OpenDestroy[0].Address != attachment {
		t.Fatalf("want the attachment reported as the one open destroy, got %+v", rep.OpenDestroy)
	}
	file := filepath.Join(root, rep.File)
	text, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(text), "#   would be destroyed: "+attachment) {
		t.Errorf("mapping file does not list the open destroy:\n%s", text)
	}
	// The user accepts it and pins nothing else; the next run keeps both.
	accepted := addAccepted(string(text), "destroy", "    - address: '"+attachment+"'\n      reason: replaced by the inline WriteOwnLogs statement\n")
	if accepted == string(text) {
		t.Fatalf("no destroy list to edit in:\n%s", text)
	}
	if err := os.WriteFile(file, []byte(accepted), 0o644); err != nil {
		t.Fatal(err)
	}
	rep = run()
	if rep.Outstanding() != 0 {
		var sb strings.Builder
		migrate.PrintReport(&sb, rep)
		t.Fatalf("accepted destroy not honoured:\n%s", sb.String())
	}
	text, _ = os.ReadFile(file)
	if !strings.Contains(string(text), "reason: 'replaced by the inline WriteOwnLogs statement'") {
		t.Errorf("acceptance lost on re-run:\n%s", text)
	}
}

// addAccepted adds entries to the accept list key ("create", "destroy") of
// a mapping file, empty ("key: []") or not, as a user editing it would.
func addAccepted(text, key, entries string) string {
	if edited := strings.Replace(text, "  "+key+": []\n", "  "+key+":\n"+entries, 1); edited != text {
		return edited
	}
	return strings.Replace(text, "  "+key+":\n", "  "+key+":\n"+entries, 1)
}

// addResource writes a copy of a state-pull fixture with one more resource.
func addResource(t *testing.T, fixture, resource string) string {
	t.Helper()
	raw, err := os.ReadFile(fixture)
	if err != nil {
		t.Fatal(err)
	}
	s := strings.Replace(string(raw), `"resources": [`, `"resources": [`+resource+",", 1)
	out := filepath.Join(t.TempDir(), "state.tfstate")
	if err := os.WriteFile(out, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

// agentFactoryMoves is where each resource of the HCL agent-factory lands,
// by construct path, in env.
func agentFactoryMoves(env core.Environment) map[string]string {
	want := map[string]string{
		`module.networking.aws_vpc.this`:                                             "Network/Resource",
		`module.networking.aws_internet_gateway.this`:                                "Network/InternetGateway",
		`module.networking.aws_subnet.public[0]`:                                     "Network/PublicSubnet0",
		`module.networking.aws_subnet.public[1]`:                                     "Network/PublicSubnet1",
		`module.networking.aws_subnet.private[0]`:                                    "Network/PrivateSubnet0",
		`module.networking.aws_subnet.private[1]`:                                    "Network/PrivateSubnet1",
		`module.networking.aws_route_table.public`:                                   "Network/PublicRoutes",
		`module.networking.aws_route.public_internet`:                                "Network/PublicDefaultRoute",
		`module.networking.aws_route_table_association.public[0]`:                    "Network/PublicSubnet0Routes",
		`module.networking.aws_route_table_association.public[1]`:                    "Network/PublicSubnet1Routes",
		`module.networking.aws_route_table.private[0]`:                               "Network/PrivateRoutes0",
		`module.networking.aws_route_table.private[1]`:                               "Network/PrivateRoutes1",
		`module.networking.aws_route.private_nat[0]`:                                 "Network/PrivateDefaultRoute0",
		`module.networking.aws_route.private_nat[1]`:                                 "Network/PrivateDefaultRoute1",
		`module.networking.aws_route_table_association.private[0]`:                   "Network/PrivateSubnet0Routes",
		`module.networking.aws_route_table_association.private[1]`:                   "Network/PrivateSubnet1Routes",
		`module.networking.aws_eip.nat[0]`:                                           "Network/NatIp0",
		`module.networking.aws_nat_gateway.this[0]`:                                  "Network/Nat0",
		`module.networking.aws_vpc_endpoint.s3`:                                      "Network/S3Endpoint",
		`module.networking.aws_security_group.alb`:                                   "Network/AlbSecurityGroup/Resource",
		`module.networking.aws_security_group.ecs`:                                   "Network/ServiceSecurityGroup/Resource",
		`module.networking.aws_vpc_security_group_ingress_rule.alb_ingress["http"]`:  "Network/AlbSecurityGroup/HttpIn",
		`module.networking.aws_vpc_security_group_ingress_rule.alb_ingress["https"]`: "Network/AlbSecurityGroup/HttpsIn",
		`module.networking.aws_vpc_security_group_egress_rule.alb_egress`:            "Network/AlbSecurityGroup/ToService",
		`module.networking.aws_vpc_security_group_ingress_rule.ecs_ingress`:          "Network/ServiceSecurityGroup/FromAlb",
		`module.networking.aws_vpc_security_group_egress_rule.ecs_egress`:            "Network/ServiceSecurityGroup/AllOut",
		`module.networking.aws_cloudwatch_log_group.flow_logs`:                       "Network/FlowLogs/Logs/Resource",
		`module.networking.aws_iam_role.flow_logs`:                                   "Network/FlowLogs/Role/Resource",
		`module.networking.aws_iam_role_policy.flow_logs`:                            "Network/FlowLogs/Role/Policy",
		`module.networking.aws_flow_log.this`:                                        "Network/FlowLogs/Resource",
		`module.ecr.aws_ecr_repository.this`:                                         "Images/Resource",
		`module.ecr.aws_ecr_lifecycle_policy.this`:                                   "Images/Lifecycle",
		`module.secrets.aws_secretsmanager_secret.this["anthropic-api-key"]`:         "Secret-anthropic-api-key/Resource",
		`module.secrets.aws_secretsmanager_secret.this["github-access-token"]`:       "Secret-github-access-token/Resource",
		`module.alb.aws_lb.this`:                                                     "LoadBalancer/Resource",
		`module.alb.aws_lb_listener.http`:                                            "LoadBalancer/Http",
		`module.alb.aws_lb_target_group.this["blue"]`:                                "LoadBalancer/Blue",
		`module.alb.aws_lb_target_group.this["green"]`:                               "LoadBalancer/Green",
		`module.ecs.aws_ecs_cluster.this`:                                            "Cluster/Resource",
		`module.ecs.aws_cloudwatch_log_group.this`:                                   "Service/Logs/Resource",
		`module.ecs.aws_iam_role.execution`:                                          "Service/ExecutionRole/Resource",
		`module.ecs.aws_iam_role_policy.execution`:                                   "Service/ExecutionRole/Policy",
		`module.ecs.aws_iam_role.task`:                                               "Service/TaskRole/Resource",
		`module.ecs.aws_iam_role_policy.task`:                                        "Service/TaskRole/Policy",
		`module.ecs.aws_ecs_task_definition.this`:                                    "Service/TaskDefinition",
		`module.ecs.aws_ecs_service.this`:                                            "Service/Resource",
		`module.codedeploy.aws_codedeploy_app.this`:                                  "Deployments/Application",
		`module.codedeploy.aws_codedeploy_deployment_group.this`:                     "Deployments/Resource",
		`module.codedeploy.aws_iam_role.codedeploy`:                                  "Deployments/Role/Resource",
		`module.codedeploy.aws_iam_role_policy_attachment.codedeploy`:                "Deployments/Role/Managed0",
		`module.github_oidc.aws_iam_role.github_actions`:                             "GitHubActions/Role/Resource",
		`module.github_oidc.aws_iam_role_policy.github_actions`:                      "GitHubActions/Role/Policy",
	}
	if env == core.Production {
		for k, v := range map[string]string{
			`module.networking.aws_eip.nat[1]`:                 "Network/NatIp1",
			`module.networking.aws_nat_gateway.this[1]`:        "Network/Nat1",
			`module.ecs.aws_appautoscaling_target.this[0]`:     "Service/ScalingTarget",
			`module.ecs.aws_appautoscaling_policy.cpu[0]`:      "Service/CpuScaling",
			`module.ecs.aws_appautoscaling_policy.memory[0]`:   "Service/MemoryScaling",
			`module.waf[0].aws_wafv2_web_acl.this`:             "Firewall/Resource",
			`module.waf[0].aws_wafv2_web_acl_association.this`: "Firewall/Association",
		} {
			want[k] = v
		}
	}
	return want
}

// agentFactoryReplacements are the resources the switch replaces, both
// immutable objects whose content the design changed; the reasons are the
// ones a user gives under accept.replace.
var agentFactoryReplacements = map[string]string{
	"Images/Lifecycle": "the lifecycle policy object is rewritten with the stack's rules (untagged images expire after 7 days, " +
		"the newest 30 tagged are kept); no image is touched by the replacement itself",
	"Service/TaskDefinition": "a task definition is immutable: the stack's container definition (logs, health check, " +
		"read-only root with a /tmp volume) registers a new revision and the service rolls to it; the old revision stays registered",
}

func TestAgentFactoryFixturesAreFullyMatched(t *testing.T) {
	t.Parallel() // mostly Terraform's time: see TestMain
	for _, env := range []core.Environment{core.Dev, core.Production} {
		t.Run(string(env), func(t *testing.T) {
			// The alarm topic and the service's alarms are new in the
			// CDKTF design; everything else has an HCL counterpart.
			c := fixtureCase{project: "agent-factory", env: env, want: agentFactoryMoves(env), replace: agentFactoryReplacements, create: []string{
				"Alarms/Resource", "Alarms/Policy",
				"ServiceAlarms/LoadBalancer5xx/Resource", "ServiceAlarms/Target5xx/Resource",
				"ServiceAlarms/UnhealthyTargets-blue/Resource", "ServiceAlarms/UnhealthyTargets-green/Resource",
				"ServiceAlarms/ResponseTimeP95/Resource", "ServiceAlarms/CPU/Resource", "ServiceAlarms/Memory/Resource",
			}}
			if env == core.Dev {
				c.planFormat = "tfstate"
			}
			checkFixture(t, c)
		})
	}
}

func TestMoveFromAnAddressTheStackStillHasFailsSynth(t *testing.T) {
	p := project(t, "ruk-scheduler")
	n := core.Names{Project: "ruk-scheduler", Environment: core.Dev}
	root := workspace(t, n.Project)
	doc, err := synthesizer(t, root, p, n)()
	if err != nil {
		t.Fatal(err)
	}
	news, _ := migrate.NewResources(doc)
	var roles []string
	for _, r := range news {
		if r.Type == "aws_iam_role" {
			roles = append(roles, r.Address)
		}
	}
	if len(roles) < 2 {
		t.Fatalf("want two roles in the stack, have %v", roles)
	}
	writeMapping(t, root, n, "stack: ruk-scheduler-dev\nmoves:\n  - from: "+roles[0]+"\n    to: "+roles[1]+"\n")
	_, err = synthtest.SynthProjects(t, []stack.Project{p}, root)
	want := "dev.yaml:3: moves[0].from: " + roles[0] + " is still a resource of stack ruk-scheduler-dev"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error = %v\nwant it to contain %q", err, want)
	}
}

// Every resource type the repository's stacks create has an identity rule,
// so a migration can match each of them; a construct that starts creating a
// new type must say here how to recognize it.
func TestEveryResourceTypeOfEveryStackHasAnIdentityRule(t *testing.T) {
	stacks, err := synthtest.SynthProjects(t, projects.All(), "")
	if err != nil {
		t.Fatal(err)
	}
	missing := map[string][]string{}
	for name, st := range stacks {
		for _, typ := range st.ResourceTypes() {
			if !migrate.HasIdentity(typ) {
				missing[typ] = append(missing[typ], name)
			}
		}
	}
	for typ, in := range missing {
		sort.Strings(in)
		t.Errorf("%s (in %v) has no identity rule in identityKeys", typ, in)
	}
	if len(stacks) < 8 {
		t.Errorf("only %d stacks synthesized", len(stacks))
	}
}

// A parameter the HCL project created, whose value lives only in AWS, must
// not be destroyed now that the stack only reads it: the user forgets it,
// and synthesis emits a removed block that keeps it in AWS.
func TestForgottenResourceBecomesARemovedBlock(t *testing.T) {
	p := project(t, "ruk-scheduler")
	n := core.Names{Project: "ruk-scheduler", Environment: core.Dev}
	root := workspace(t, n.Project)
	acceptNewInDesign(t, root, p, n)
	param := `module.ssm.aws_ssm_parameter.this["message-hub-url"]`
	state := addResource(t, filepath.Join(migrateFixtures, "ruk-scheduler-dev.tfstate"), `{
		"module": "module.ssm", "mode": "managed", "type": "aws_ssm_parameter", "name": "this",
		"provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
		"instances": [{"index_key": "message-hub-url", "schema_version": 0, "attributes": {
			"id": "/ruk-scheduler/dev/message-hub-url", "name": "/ruk-scheduler/dev/message-hub-url",
			"arn": "arn:aws:ssm:us-east-2:427479925030:parameter/ruk-scheduler/dev/message-hub-url",
			"type": "String", "value": "https://hub.dev.example.com", "tier": "Standard"}}]}`)
	run := func() *migrate.Report {
		rep, err := migrate.Run(migrate.Options{Root: root, Names: n, StatePath: state, Synthesize: synthesizer(t, root, p, n)})
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	if rep := run(); len(rep.OpenDestroy) != 1 || rep.OpenDestroy[0].Address != param {
		t.Fatalf("want the parameter as the one open destroy, got %+v", rep.OpenDestroy)
	}
	file := filepath.Join(root, migrate.File(n.Project, n.Environment))
	text, _ := os.ReadFile(file)
	edited := strings.Replace(string(text), "forget:\n", "forget:\n  - address: '"+param+"'\n    reason: its value is set out of band; the stack only reads it\n", 1)
	if edited == string(text) {
		t.Fatalf("no forget list to edit in:\n%s", text)
	}
	if err := os.WriteFile(file, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	if rep := run(); rep.Outstanding() != 0 || len(rep.Forgotten) != 2 {
		t.Fatalf("forget not honoured: open %d, forgotten %v", rep.Outstanding(), rep.Forgotten)
	}
	stacks, err := synthtest.SynthProjects(t, []stack.Project{p}, root)
	if err != nil {
		t.Fatal(err)
	}
	got := removedBlocks(t, stacks[n.StackName()])
	want := map[string]bool{"module.ssm.aws_ssm_parameter.this": true, "module.lambda.null_resource.build": true}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("removed blocks %v, want %v", got, want)
	}
	tf, _ := stacks[n.StackName()].Doc["terraform"].(map[string]any)
	// Removed blocks need Terraform 1.7; every stack already needs 1.10.
	if tf["required_version"] != ">= 1.10.0" {
		t.Errorf("required_version = %v, want >= 1.10.0 (1.7 for removed blocks, 1.10 for every stack)", tf["required_version"])
	}
}

// The same log group under two old addresses (imported twice, or left from
// a renamed module): the command reports both candidates, moves neither,
// and fails until the user pins one.
func TestAmbiguousMatchIsReportedNotGuessed(t *testing.T) {
	p := project(t, "ruk-scheduler")
	n := core.Names{Project: "ruk-scheduler", Environment: core.Dev}
	root := workspace(t, n.Project)
	acceptNewInDesign(t, root, p, n)
	group := "/aws/lambda/ruk-scheduler-dev-message-hub-dispatch"
	state := addResource(t, filepath.Join(migrateFixtures, "ruk-scheduler-dev.tfstate"), `{
		"module": "module.lambda_v1[\"message-hub-dispatch\"]", "mode": "managed", "type": "aws_cloudwatch_log_group", "name": "this",
		"provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
		"instances": [{"schema_version": 0, "attributes": {"id": "`+group+`", "name": "`+group+`",
			"arn": "arn:aws:logs:us-east-2:427479925030:log-group:`+group+`", "retention_in_days": 14}}]}`)
	rep, err := migrate.Run(migrate.Options{Root: root, Names: n, StatePath: state, Synthesize: synthesizer(t, root, p, n)})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Result.Ambiguous) != 1 || rep.Outstanding() != 1 {
		t.Fatalf("want one ambiguity and nothing else open, got %+v (open %d)", rep.Result.Ambiguous, rep.Outstanding())
	}
	a := rep.Result.Ambiguous[0]
	want := []string{`module.lambda["message-hub-dispatch"].aws_cloudwatch_log_group.this`, `module.lambda_v1["message-hub-dispatch"].aws_cloudwatch_log_group.this`}
	if !reflect.DeepEqual(a.Candidates, want) || !strings.HasPrefix(a.Address, "aws_cloudwatch_log_group.") {
		t.Errorf("ambiguity %+v, want the new log group with candidates %v", a, want)
	}
	for _, mv := range rep.Result.Moves {
		if strings.Contains(mv.From, "aws_cloudwatch_log_group") {
			t.Errorf("guessed %s -> %s", mv.From, mv.To)
		}
	}
	text, _ := os.ReadFile(filepath.Join(root, rep.File))
	if !strings.Contains(string(text), "#   ambiguous: "+a.Address+" could be any of "+strings.Join(want, ", ")) {
		t.Errorf("mapping file does not list the ambiguity:\n%s", text)
	}
	// The user pins the live one; the other is then unmatched and must be decided too.
	pinned := strings.Replace(string(text), "moves:\n", "moves:\n  - from: '"+want[0]+"'\n    to: "+a.Address+"\n", 1)
	if err := os.WriteFile(filepath.Join(root, rep.File), []byte(pinned), 0o644); err != nil {
		t.Fatal(err)
	}
	rep, err = migrate.Run(migrate.Options{Root: root, Names: n, StatePath: state, Synthesize: synthesizer(t, root, p, n)})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Result.Ambiguous) != 0 || len(rep.OpenDestroy) != 1 || rep.OpenDestroy[0].Address != want[1] {
		t.Errorf("after the pin: ambiguous %v, open destroys %v; want only %s left to decide", rep.Result.Ambiguous, rep.OpenDestroy, want[1])
	}
}

// Another project's state shares nothing with the stack: the command says
// the state is probably the wrong one, how to get the right one, and
// writes no mapping that would list 52 resources for destruction.
func TestAnotherProjectsStateIsRefusedAsTheWrongOne(t *testing.T) {
	p := project(t, "ruk-scheduler")
	n := core.Names{Project: "ruk-scheduler", Environment: core.Dev}
	root := workspace(t, n.Project)
	_, err := migrate.Run(migrate.Options{Root: root, Names: n, StatePath: filepath.Join(migrateFixtures, "agent-factory-dev.tfstate"), Synthesize: synthesizer(t, root, p, n)})
	for _, want := range []string{
		"0 of 52 resources of the old state match stack ruk-scheduler-dev: wrong project or environment?",
		"terraform init -backend-config=backend-dev.hcl && terraform state pull",
		"projects/ruk-scheduler/migrations/dev.yaml was not written",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error = %v\nwant it to contain %q", err, want)
		}
	}
	if _, statErr := os.Stat(filepath.Join(root, migrate.File(n.Project, n.Environment))); statErr == nil {
		t.Error("a mapping file was written from another project's state")
	}
}
