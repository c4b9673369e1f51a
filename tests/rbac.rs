//! RBAC read like the exam: roles and bindings, `kubectl auth can-i` (with `--as`, `--list`,
//! `--subresource`, `-A`, `--quiet`), requests made `--as` someone denied with the API server's
//! Forbidden message, and the grader's `can_i` assertion.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use kubedojo::grader::eval::{evaluate, Target};
use kubedojo::scenario::model::{Assertion, Check};
use kubedojo::session::{ClockMode, Session};

fn session() -> Session {
    Session::sandbox(ClockMode::Manual)
}

fn ok(s: &mut Session, line: &str) -> String {
    let out = s.run(line);
    assert_eq!(out.code, 0, "{line}: {}", out.stderr);
    out.stdout
}

fn words(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect()
}

#[test]
fn the_admin_can_do_anything_and_a_stranger_nothing() {
    let mut s = session();
    let out = s.run("kubectl auth can-i create deployments");
    assert_eq!((out.stdout.as_str(), out.code), ("yes\n", 0));
    let out = s.run("kubectl auth can-i '*' '*' -A");
    assert_eq!(out.stdout, "yes\n");
    let out = s.run("kubectl auth can-i list pods --as jane");
    assert_eq!((out.stdout.as_str(), out.code), ("no\n", 1));
    let out = s.run("kubectl auth can-i list pods --as jane --quiet");
    assert_eq!((out.stdout.as_str(), out.code), ("", 1));
    // Everyone authenticated may ask the discovery endpoints.
    assert_eq!(
        s.run("kubectl auth can-i get /healthz --as jane").stdout,
        "yes\n"
    );
}

#[test]
fn a_role_bound_to_a_user_allows_just_its_verbs_in_its_namespace() {
    let mut s = session();
    ok(&mut s, "kubectl create ns dev");
    ok(
        &mut s,
        "kubectl create role pod-reader --verb=get,list,watch --resource=pods -n dev",
    );
    ok(
        &mut s,
        "kubectl create rolebinding jane-reads --role=pod-reader --user=jane -n dev",
    );
    assert_eq!(
        s.run("kubectl auth can-i list pods --as jane -n dev")
            .stdout,
        "yes\n"
    );
    assert_eq!(
        s.run("kubectl auth can-i get pods/web --as jane -n dev")
            .stdout,
        "yes\n"
    );
    assert_eq!(
        s.run("kubectl auth can-i delete pods --as jane -n dev")
            .stdout,
        "no\n"
    );
    assert_eq!(
        s.run("kubectl auth can-i list pods --as jane").stdout,
        "no\n"
    );
    assert_eq!(
        s.run("kubectl auth can-i list pods --as jane -A").stdout,
        "no\n"
    );
    assert_eq!(
        s.run("kubectl auth can-i get pods --subresource=log --as jane -n dev")
            .stdout,
        "no\n"
    );
    assert_eq!(
        s.run("kubectl auth can-i list deployments.apps --as jane -n dev")
            .stdout,
        "no\n"
    );
}

#[test]
fn requests_made_as_someone_else_are_authorized() {
    let mut s = session();
    let out = s.run("kubectl get pods --as jane");
    assert_eq!(out.code, 1);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "Error from server (Forbidden): pods is forbidden: User \"jane\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"\n"
    );
    let out = s.run("kubectl get nodes --as jane");
    assert_eq!(
        out.stderr,
        "Error from server (Forbidden): nodes is forbidden: User \"jane\" cannot list resource \"nodes\" in API group \"\" at the cluster scope\n"
    );
    let out = s.run("kubectl get deploy coredns -n kube-system --as jane");
    assert_eq!(
        out.stderr,
        "Error from server (Forbidden): deployments.apps \"coredns\" is forbidden: User \"jane\" cannot get resource \"deployments\" in API group \"apps\" in the namespace \"kube-system\"\n"
    );
    let out = s.run("kubectl run web --image=nginx --as jane");
    assert_eq!(out.code, 1);
    assert!(
        out.stderr.contains("pods is forbidden: User \"jane\" cannot create resource \"pods\" in API group \"\" in the namespace \"default\""),
        "{}",
        out.stderr
    );
    // Impersonation lasts one command: the admin is back.
    assert_eq!(s.run("kubectl get pods").code, 0);
    ok(
        &mut s,
        "kubectl create clusterrolebinding jane-view --clusterrole=view --user=jane",
    );
    assert_eq!(s.run("kubectl get pods --as jane").code, 0);
    assert_eq!(s.run("kubectl get deploy -A --as jane").code, 0);
    assert_eq!(s.run("kubectl get secrets --as jane").code, 1);
}

#[test]
fn a_delete_is_authorized_before_the_object_is_looked_up() {
    let mut s = session();
    ok(&mut s, "kubectl run web --image=nginx");
    ok(
        &mut s,
        "kubectl create clusterrolebinding jane-view --clusterrole=view --user=jane",
    );
    // Missing or present, the answer is Forbidden, and nothing starts terminating.
    for name in ["web", "nosuch"] {
        let out = s.run(&format!("kubectl delete pod {name} --as jane"));
        assert_eq!(out.code, 1);
        assert_eq!(
            out.stderr,
            format!("Error from server (Forbidden): pods \"{name}\" is forbidden: User \"jane\" cannot delete resource \"pods\" in API group \"\" in the namespace \"default\"\n")
        );
    }
    let out = ok(
        &mut s,
        "kubectl get pod web -o jsonpath={.metadata.deletionTimestamp}",
    );
    assert_eq!(out, "");
    let out = s.run("kubectl delete deploy nosuch --cascade=orphan --as jane");
    assert!(out.stderr.contains("is forbidden"), "{}", out.stderr);
}

#[test]
fn service_accounts_are_matched_with_their_groups() {
    let mut s = session();
    ok(&mut s, "kubectl create ns dev");
    ok(&mut s, "kubectl create sa bot -n dev");
    ok(
        &mut s,
        "kubectl create rolebinding bot-edit --clusterrole=edit --serviceaccount=dev:bot -n dev",
    );
    let sa = "--as system:serviceaccount:dev:bot";
    assert_eq!(
        s.run(&format!(
            "kubectl auth can-i create deployments -n dev {sa}"
        ))
        .stdout,
        "yes\n"
    );
    assert_eq!(
        s.run(&format!("kubectl auth can-i get secrets -n dev {sa}"))
            .stdout,
        "yes\n"
    );
    assert_eq!(
        s.run(&format!("kubectl auth can-i create roles -n dev {sa}"))
            .stdout,
        "no\n"
    );
    assert_eq!(
        s.run(&format!("kubectl auth can-i list pods -n default {sa}"))
            .stdout,
        "no\n"
    );
    // A binding to the group of all service accounts of a namespace.
    ok(
        &mut s,
        "kubectl create clusterrolebinding sa-nodes --clusterrole=view --group=system:serviceaccounts:dev",
    );
    assert_eq!(
        s.run(&format!("kubectl auth can-i list pods -n default {sa}"))
            .stdout,
        "yes\n"
    );
    assert_eq!(
        s.run("kubectl auth can-i list pods -n default --as system:serviceaccount:prod:bot")
            .stdout,
        "no\n"
    );
    let out = s.run(&format!("kubectl auth whoami {sa}"));
    assert_eq!(
        words(&out.stdout),
        vec![
            "ATTRIBUTE VALUE",
            "Username system:serviceaccount:dev:bot",
            "Groups [system:serviceaccounts system:serviceaccounts:dev system:authenticated]"
        ]
    );
}

#[test]
fn resource_names_and_subresources_narrow_a_rule() {
    let mut s = session();
    ok(
        &mut s,
        "kubectl apply -f - <<EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: logs
  namespace: default
rules:
- apiGroups: [\"\"]
  resources: [\"pods\", \"pods/log\"]
  verbs: [\"get\"]
- apiGroups: [\"apps\"]
  resources: [\"deployments\"]
  resourceNames: [\"web\"]
  verbs: [\"get\", \"update\"]
EOF",
    );
    ok(
        &mut s,
        "kubectl create rolebinding logs --role=logs --user=ann",
    );
    assert_eq!(
        s.run("kubectl auth can-i get pods --subresource=log --as ann")
            .stdout,
        "yes\n"
    );
    assert_eq!(
        s.run("kubectl auth can-i get pods --subresource=exec --as ann")
            .stdout,
        "no\n"
    );
    assert_eq!(
        s.run("kubectl auth can-i update deployments/web --as ann")
            .stdout,
        "yes\n"
    );
    assert_eq!(
        s.run("kubectl auth can-i update deployments/api --as ann")
            .stdout,
        "no\n"
    );
    assert_eq!(
        s.run("kubectl auth can-i list deployments --as ann").stdout,
        "no\n"
    );
}

#[test]
fn a_binding_to_a_missing_role_says_so() {
    let mut s = session();
    ok(
        &mut s,
        "kubectl create rolebinding ghostly --role=ghost --user=bob",
    );
    let out = s.run("kubectl auth can-i list pods --as bob");
    assert_eq!(
        out.stdout,
        "no - RBAC: role.rbac.authorization.k8s.io \"ghost\" not found\n"
    );
}

#[test]
fn can_i_warns_as_kubectl_does() {
    let mut s = session();
    let out = s.run("kubectl auth can-i list nodes");
    assert_eq!(out.stdout, "yes\n");
    assert_eq!(
        out.stderr,
        "Warning: resource 'nodes' is not namespace scoped\n"
    );
    let out = s.run("kubectl auth can-i list widgets --as jane");
    assert_eq!(
        out.stderr,
        "Warning: the server doesn't have a resource type 'widgets'\n"
    );
    assert_eq!(out.stdout, "no\n");
    let out = s.run("kubectl auth can-i list");
    assert_eq!(
        out.stderr,
        "error: you must specify two or three arguments: verb, resource, and optional resourceName\n"
    );
}

#[test]
fn can_i_list_shows_the_rules_as_kubectl_sorts_them() {
    let mut s = session();
    ok(
        &mut s,
        "kubectl create role pod-reader --verb=get,list --resource=pods",
    );
    ok(
        &mut s,
        "kubectl create rolebinding jane --role=pod-reader --user=jane",
    );
    let out = ok(&mut s, "kubectl auth can-i --list --as jane");
    let lines = words(&out);
    assert_eq!(lines[0], "Resources Non-Resource URLs Resource Names Verbs");
    assert_eq!(
        lines[1..5].to_vec(),
        vec![
            "selfsubjectreviews.authentication.k8s.io [] [] [create]",
            "selfsubjectaccessreviews.authorization.k8s.io [] [] [create]",
            "selfsubjectrulesreviews.authorization.k8s.io [] [] [create]",
            "pods [] [] [get list]",
        ]
    );
    assert_eq!(lines[5], "[/api/*] [] [get]");
    assert!(lines.contains(&"[/version/] [] [get]".to_string()));
    // The header row is padded as kubectl's tabwriter pads it.
    assert!(out.starts_with("Resources                                       Non-Resource URLs   Resource Names   Verbs\n"), "{out}");
    let admin = ok(&mut s, "kubectl auth can-i --list");
    assert_eq!(words(&admin)[1], "*.* [] [] [*]");
    assert_eq!(words(&admin)[2], "[*] [] [*]");
}

#[test]
fn default_cluster_roles_are_aggregated() {
    let mut s = session();
    let out = ok(
        &mut s,
        "kubectl get clusterrole view -o jsonpath='{.rules[*].resources}'",
    );
    assert!(out.contains("pods"), "{out}");
    assert!(!out.contains("secrets"), "{out}");
    let out = ok(
        &mut s,
        "kubectl get clusterrole edit -o jsonpath='{.rules[*].resources}'",
    );
    assert!(
        out.contains("secrets") && out.contains("deployments"),
        "{out}"
    );
    // A new role labelled for aggregation joins view.
    ok(
        &mut s,
        "kubectl create clusterrolebinding v --clusterrole=view --user=viv",
    );
    assert_eq!(
        s.run("kubectl auth can-i list nodes --as viv").stdout,
        "no\n"
    );
    ok(
        &mut s,
        "kubectl apply -f - <<EOF
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: nodes-view
  labels:
    rbac.authorization.k8s.io/aggregate-to-view: \"true\"
rules:
- apiGroups: [\"\"]
  resources: [\"nodes\"]
  verbs: [\"get\", \"list\"]
EOF",
    );
    let out = s.run("kubectl auth can-i list nodes --as viv");
    assert_eq!((out.stdout.as_str(), out.code), ("yes\n", 0));
    assert_eq!(s.run("kubectl get nodes --as viv").code, 0);
}

#[test]
fn get_shows_bindings_with_their_roles() {
    let mut s = session();
    ok(
        &mut s,
        "kubectl create rolebinding rb --clusterrole=view --user=jane --serviceaccount=default:bot",
    );
    let out = ok(&mut s, "kubectl get rolebinding rb -o wide");
    let lines = words(&out);
    assert_eq!(lines[0], "NAME ROLE AGE USERS GROUPS SERVICEACCOUNTS");
    assert!(lines[1].starts_with("rb ClusterRole/view "), "{out}");
    assert!(lines[1].ends_with(" jane default/bot"), "{out}");
    let out = ok(&mut s, "kubectl get clusterrole cluster-admin");
    assert_eq!(words(&out)[0], "NAME CREATED AT");
}

fn can_i(as_user: &str, verb: &str, resource: &str, ns: &str, expect: bool) -> Assertion {
    Assertion {
        check: Check::CanI {
            as_user: as_user.into(),
            groups: Vec::new(),
            verb: verb.into(),
            resource: resource.into(),
            subresource: None,
            name: None,
            namespace: Some(ns.into()),
            expect,
        },
        points: 1,
        feedback: "The service account bot must be able to list pods in dev".into(),
    }
}

#[test]
fn the_grader_asks_the_authorizer() {
    let mut s = session();
    ok(&mut s, "kubectl create ns dev");
    let query = |_: &str| String::new();
    let cluster = s.world.current_cluster_name().expect("cluster");
    let target = Target {
        cluster: &cluster,
        namespace: "default",
        query: &query,
    };
    let bot = "system:serviceaccount:dev:bot";
    let checks = [
        can_i(bot, "list", "pods", "dev", true),
        can_i(bot, "delete", "pods", "dev", false),
    ];
    let before = evaluate(&s.world, &target, &checks);
    assert!(!before[0].passed);
    assert_eq!(
        before[0].feedback,
        "The service account bot must be able to list pods in dev (expected system:serviceaccount:dev:bot to be allowed to list pods in namespace dev, it is denied)"
    );
    assert!(before[1].passed);
    ok(
        &mut s,
        "kubectl create role r --verb=list --resource=pods -n dev",
    );
    ok(
        &mut s,
        "kubectl create rolebinding r --role=r --serviceaccount=dev:bot -n dev",
    );
    let after = evaluate(&s.world, &target, &checks);
    assert!(after.iter().all(|f| f.passed), "{after:?}");
}

#[test]
fn can_i_assertions_parse_from_toml() {
    let a: Assertion = toml::from_str(
        "check = \"can_i\"\nas = \"jane\"\nverb = \"get\"\nresource = \"pods\"\nnamespace = \"dev\"\nfeedback = \"x\"\n",
    )
    .expect("parses");
    assert!(matches!(a.check, Check::CanI { expect: true, .. }));
}

#[test]
fn logs_and_exec_need_their_subresources() {
    let mut s = session();
    ok(&mut s, "kubectl run web --image=nginx");
    s.world.advance(10);
    ok(
        &mut s,
        "kubectl create role pods --verb=get,list --resource=pods",
    );
    ok(
        &mut s,
        "kubectl create rolebinding pods --role=pods --user=lee",
    );
    let out = s.run("kubectl logs web --as lee");
    assert_eq!(
        out.stderr,
        "Error from server (Forbidden): pods \"web\" is forbidden: User \"lee\" cannot get resource \"pods/log\" in API group \"\" in the namespace \"default\"\n"
    );
    let out = s.run("kubectl exec web --as lee -- ls");
    assert!(
        out.stderr.contains("cannot create resource \"pods/exec\""),
        "{}",
        out.stderr
    );
    ok(
        &mut s,
        "kubectl create role logs --verb=get --resource=pods/log",
    );
    ok(
        &mut s,
        "kubectl create rolebinding logs --role=logs --user=lee",
    );
    assert_eq!(s.run("kubectl logs web --as lee").code, 0);
}
