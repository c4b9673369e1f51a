//! Ingress as kubectl shows it: the `get` columns (CLASS, HOSTS, ADDRESS, PORTS), `describe` with its
//! Rules table and backends resolved to endpoints, plus the PriorityClass and multi-type tables.

use kubedojo::session::{ClockMode, Session};

fn run_ok(s: &mut Session, cmd: &str) -> String {
    let out = s.run(cmd);
    assert_eq!(out.code, 0, "{cmd}: {}{}", out.stdout, out.stderr);
    out.stdout
}

fn web() -> Session {
    let mut s = Session::sandbox(ClockMode::Manual);
    run_ok(
        &mut s,
        "kubectl create deployment web --image=nginx --replicas=2 --port=80",
    );
    run_ok(&mut s, "kubectl expose deployment web --port=80");
    s.world.advance(20);
    s
}

#[test]
fn get_ingress_shows_class_hosts_address_and_ports() {
    let mut s = web();
    run_ok(
        &mut s,
        "kubectl create ingress web --class=nginx --rule=example.com/=web:80 --rule=b.com/x*=web:80,tls=web-tls",
    );
    run_ok(&mut s, "kubectl create ingress catch-all --rule=/=web:80");
    s.world.advance(1);
    let out = run_ok(&mut s, "kubectl get ingress");
    // The AGE column depends on how long the commands took: compare what comes before it.
    let without_age: Vec<&str> = out.lines().map(|l| l.get(..61).unwrap_or(l)).collect();
    assert_eq!(
        without_age,
        [
            "NAME        CLASS    HOSTS               ADDRESS   PORTS     ",
            "catch-all   <none>   *                             80        ",
            "web         nginx    example.com,b.com             80, 443   ",
        ],
        "{out}"
    );
}

#[test]
fn describe_ingress_lists_rules_with_their_backends() {
    let mut s = web();
    run_ok(
        &mut s,
        "kubectl create ingress web --class=nginx --rule=example.com/app=web:80",
    );
    run_ok(
        &mut s,
        "kubectl create ingress bar --rule=foo.bar.com/foo=default-backend:80",
    );
    let eps = run_ok(
        &mut s,
        "kubectl get endpoints web -o jsonpath='{range .subsets[*].addresses[*]}{.ip}:80,{end}'",
    );
    let eps = eps.trim_end_matches(',');
    let out = run_ok(&mut s, "kubectl describe ingress web");
    assert_eq!(
        out,
        format!(
            "Name:             web\nLabels:           <none>\nNamespace:        default\nAddress:          \n\
             Ingress Class:    nginx\nDefault backend:  <default>\nRules:\n\
             \x20 Host         Path  Backends\n\
             \x20 ----         ----  --------\n\
             \x20 example.com  \n\
             \x20              /app   web:80 ({eps})\n\
             Annotations:   <none>\nEvents:        <none>\n"
        )
    );
    let out = run_ok(&mut s, "kubectl describe ingress bar");
    assert!(
        out.contains(
            "  foo.bar.com  \n               /foo   default-backend:80 (<error: services \"default-backend\" not found>)\n"
        ),
        "{out}"
    );
}

#[test]
fn priority_classes_of_a_cluster_and_their_columns() {
    let mut s = Session::sandbox(ClockMode::Manual);
    run_ok(&mut s, "kubectl create priorityclass high --value=1000");
    s.world.advance(3);
    let out = run_ok(&mut s, "kubectl get pc");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines[0],
        "NAME                      VALUE        GLOBAL-DEFAULT   AGE   PREEMPTIONPOLICY"
    );
    assert!(
        lines[1].starts_with("high                      1000         false            "),
        "{out}"
    );
    assert!(lines[1].ends_with("PreemptLowerPriority"), "{out}");
    assert!(
        lines[2].starts_with("system-cluster-critical   2000000000   false"),
        "{out}"
    );
    assert!(
        lines[3].starts_with("system-node-critical      2000001000   false"),
        "{out}"
    );
}

#[test]
fn each_resource_type_of_a_multi_type_get_is_aligned_on_its_own() {
    let mut s = web();
    let out = run_ok(&mut s, "kubectl get svc,cm");
    let tables: Vec<&str> = out.split("\n\n").collect();
    assert_eq!(tables.len(), 2, "{out}");
    // The config map table is narrow: its columns are not widened to the service table's.
    assert!(
        tables[1].starts_with("NAME                         DATA   AGE\n"),
        "{out}"
    );
}
