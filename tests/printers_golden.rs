//! Golden tests against the real kubectl: for client-side generator commands (`--dry-run=client`), our
//! printers must print exactly what kubectl prints. kubectl's `-o json` is parsed and rendered with our
//! printers, then compared byte for byte with kubectl's `-o yaml` / `-o jsonpath=...`.
//!
//! When `/usr/bin/kubectl` is absent the tests print why and pass.

use std::path::Path;
use std::process::Command;

use kubedojo::kubectl::printers::{jsonpath, yaml};
use serde_json::Value;

const KUBECTL: &str = "/usr/bin/kubectl";

fn kubectl_present() -> bool {
    if Path::new(KUBECTL).exists() {
        true
    } else {
        eprintln!(
            "skipping: {KUBECTL} is not installed, so there is no real kubectl to compare with"
        );
        false
    }
}

/// Runs kubectl; returns (stdout, stderr, success).
fn kubectl(args: &[&str]) -> (String, String, bool) {
    let out = Command::new(KUBECTL)
        .args(args)
        .env("KUBECONFIG", "/dev/null")
        .output()
        .expect("run kubectl");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.success(),
    )
}

fn with_output(args: &[&str], output: &str) -> Vec<String> {
    // Flags go before a `--`, after which everything is the container's command.
    let split = args.iter().position(|a| *a == "--").unwrap_or(args.len());
    let mut v: Vec<String> = args[..split].iter().map(|s| s.to_string()).collect();
    v.push("--dry-run=client".into());
    v.push("-o".into());
    v.push(output.into());
    v.extend(args[split..].iter().map(|s| s.to_string()));
    v
}

fn run(args: &[String]) -> (String, String, bool) {
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    kubectl(&refs)
}

fn json_of(args: &[&str]) -> Value {
    let (out, err, ok) = run(&with_output(args, "json"));
    assert!(ok, "kubectl {args:?} -o json failed: {err}");
    serde_json::from_str(&out).expect("kubectl printed JSON")
}

/// Generator commands whose objects cover the shapes kubectl prints.
fn generators() -> Vec<Vec<String>> {
    let long = "word ".repeat(40);
    let long_nospace = "x".repeat(130);
    let long_key = format!("{}=v", "k".repeat(130));
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<String>>();
    vec![
        s(&[
            "create",
            "deployment",
            "web",
            "--image=nginx:1.27",
            "--replicas=3",
            "--port=80",
        ]),
        s(&[
            "create",
            "deployment",
            "multi",
            "--image=busybox",
            "--",
            "sh",
            "-c",
            "echo hi; sleep 3600",
        ]),
        s(&[
            "create",
            "job",
            "pi",
            "--image=perl:5.34",
            "--",
            "perl",
            "-Mbignum=bpi",
            "-wle",
            "print bpi(2000)",
        ]),
        s(&[
            "create",
            "cronjob",
            "hello",
            "--image=busybox",
            "--schedule=*/5 * * * *",
            "--",
            "echo",
            "hello: world",
        ]),
        s(&[
            "create",
            "service",
            "clusterip",
            "svc",
            "--tcp=80:8080",
            "--tcp=443:8443",
        ]),
        s(&[
            "create",
            "service",
            "nodeport",
            "np",
            "--tcp=80:8080",
            "--node-port=30080",
        ]),
        s(&[
            "create",
            "ingress",
            "ing",
            "--class=nginx",
            "--rule=foo.com/bar*=svc:8080",
            "--rule=bar.com/=other:http,tls=secret1",
        ]),
        s(&[
            "create",
            "rolebinding",
            "rb",
            "--role=pod-reader",
            "--user=jane",
            "--serviceaccount=default:sa",
            "--group=devs",
        ]),
        s(&["create", "namespace", "team-a"]),
        s(&["create", "serviceaccount", "robot"]),
        s(&["create", "quota", "q", "--hard=cpu=1,memory=1G,pods=10"]),
        s(&[
            "create",
            "priorityclass",
            "high",
            "--value=1000",
            "--description=very important: yes",
            "--global-default=false",
        ]),
        s(&[
            "create",
            "poddisruptionbudget",
            "pdb",
            "--selector=app=web",
            "--min-available=50%",
        ]),
        s(&[
            "create",
            "secret",
            "generic",
            "s",
            "--from-literal=user=admin",
            "--from-literal=pass=s3cr3t!",
        ]),
        s(&[
            "create",
            "secret",
            "docker-registry",
            "reg",
            "--docker-username=u",
            "--docker-password=p",
            "--docker-server=r.io",
        ]),
        vec![
            "create".into(),
            "configmap".into(),
            "tricky".into(),
            "--from-literal=colon=hello: world".into(),
            "--from-literal=bool=true".into(),
            "--from-literal=yes=yes".into(),
            "--from-literal=on=on".into(),
            "--from-literal=y=y".into(),
            "--from-literal=num=1".into(),
            "--from-literal=float=1.5".into(),
            "--from-literal=hex=0x1F".into(),
            "--from-literal=octal=0777".into(),
            "--from-literal=exp=1e3".into(),
            "--from-literal=tilde=~".into(),
            "--from-literal=null=null".into(),
            "--from-literal=empty=".into(),
            "--from-literal=date=2024-01-15".into(),
            "--from-literal=stamp=2024-01-15T10:00:00Z".into(),
            "--from-literal=baddate=2024-02-30".into(),
            "--from-literal=sexagesimal=1:20".into(),
            "--from-literal=ml=line1\nline2".into(),
            "--from-literal=mlnl=line1\nline2\n".into(),
            "--from-literal=keep=a\n\n".into(),
            "--from-literal=lead=  x\ny".into(),
            "--from-literal=trail=x \ny".into(),
            "--from-literal=onlynl=\n".into(),
            "--from-literal=tab=a\tb".into(),
            "--from-literal=tabml=a\tb\nc".into(),
            "--from-literal=star=*x".into(),
            "--from-literal=amp=&x".into(),
            "--from-literal=bang=!x".into(),
            "--from-literal=pct=%x".into(),
            "--from-literal=at=@x".into(),
            "--from-literal=tick=`x".into(),
            "--from-literal=dash=- x".into(),
            "--from-literal=dashes=---".into(),
            "--from-literal=hash=a #b".into(),
            "--from-literal=hash2=a#b".into(),
            "--from-literal=quote=it's".into(),
            "--from-literal=dquote=say \"hi\"".into(),
            "--from-literal=lspace= lead".into(),
            "--from-literal=tspace=trail ".into(),
            "--from-literal=unicode=héllo wörld".into(),
            "--from-literal=emoji=hi 😀".into(),
            "--from-literal=ctrl=\u{1}".into(),
            "--from-literal=bom=\u{feff}x".into(),
            "--from-literal=item9=a".into(),
            "--from-literal=item10=b".into(),
            "--from-literal=A_=c".into(),
            "--from-literal=_a=d".into(),
            "--from-literal=Zz=e".into(),
            "--from-literal=v01=f".into(),
            "--from-literal=v1=g".into(),
            format!("--from-literal=long={long}"),
            format!("--from-literal=longnospace={long_nospace}"),
            format!("--from-literal=longq={long}: x"),
            format!("--from-literal=longdq=\t{long}"),
            format!("--from-literal=longml={long}\n{long}"),
            format!("--from-literal={long_key}"),
            "--from-literal=script=#!/bin/sh\nset -e\n\necho \"hi\"  # done\n".into(),
        ],
    ]
}

#[test]
fn yaml_matches_kubectl_for_generated_objects() {
    if !kubectl_present() {
        return;
    }
    for args in generators() {
        let (want, err, ok) = run(&with_output(
            &args.iter().map(String::as_str).collect::<Vec<_>>(),
            "yaml",
        ));
        assert!(ok, "kubectl {args:?} -o yaml failed: {err}");
        let obj = json_of(&args.iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(yaml::to_yaml(&obj), want, "yaml for kubectl {args:?}");
    }
}
#[test]
fn jsonpath_matches_kubectl() {
    if !kubectl_present() {
        return;
    }
    let deploy: &[&str] = &[
        "create",
        "deployment",
        "web",
        "--image=nginx:1.27",
        "--image=busybox",
        "--replicas=3",
        "--port=80",
    ];
    let templates = [
        "{.metadata.name}",
        "{.spec.template.spec.containers[*].image}",
        "{.spec.template.spec.containers[0].name}",
        "{.spec.template.spec.containers[-1].name}",
        "{.spec.template.spec.containers[0:1].name}",
        "{.spec.template.spec.containers[:].name}",
        "{.spec.template.spec.containers[0,1].image}",
        "{.spec.template.spec.containers[?(@.name==\"busybox\")].image}",
        "{.spec.template.spec.containers[?(@.name!=\"busybox\")].image}",
        "{.spec.template.spec.containers[?(@.ports)].name}",
        "{.spec.template.spec.containers[?(@.name<\"c\")].name}",
        "{.spec.template.spec.containers[?(@.name>=\"c\")].name}",
        "{..image}",
        "{..containerPort}",
        "{.metadata.labels}",
        "{.metadata.labels.app}",
        "{.metadata.creationTimestamp}",
        "{.spec.strategy}",
        "{.spec.template.spec.containers[0]}",
        "{.spec.template.spec.containers}",
        "{.spec.replicas}",
        "{.missing}",
        "{.spec.replicas.deeper}",
        "name={.metadata.name} replicas={.spec.replicas}",
        "{range .spec.template.spec.containers[*]}{.name}{\"\\t\"}{.image}{\"\\n\"}{end}",
        "{range .spec.template.spec.containers[*]}[{.name}]{end}after",
        "{range .spec.template.spec.containers[*]}[{.name}]",
        "{range .status.conditions[*]}{.type}{end}tail",
        "{@.kind}",
        "{$.kind}",
        "{.kind}{'\\n'}",
        "{.metadata['name']}",
        "{.metadata.labels['app']}",
        "{.metadata.name.*}",
        "plain text",
        "}",
        "{.items[*}",
        "{.spec.replicas",
        "{.a[?(@.b)}",
        "{#}",
        "{\"unterminated}",
        "{.a[x]}",
        "{..a..b}",
        "{.a[1:2:3:4]}",
    ];
    let obj = json_of(deploy);
    for t in templates {
        let tmpl = format!("jsonpath={t}");
        let (out, err, ok) = run(&with_output(deploy, &tmpl));
        let ours = jsonpath::render(t, &obj);
        if ok {
            assert_eq!(ours, Ok(out), "template {t}");
        } else {
            let want = err.strip_prefix("error: ").unwrap_or(&err).to_string();
            let want = want.strip_suffix('\n').unwrap_or(&want).to_string();
            assert_eq!(ours, Err(want), "template {t}");
        }
    }
}

#[test]
fn jsonpath_errors_at_execution_match_kubectl() {
    if !kubectl_present() {
        return;
    }
    let deploy: &[&str] = &["create", "deployment", "x", "--image=nginx", "--replicas=3"];
    let obj = json_of(deploy);
    for t in [
        "{.spec.template.spec.containers[5]}",
        "{.spec.template.spec.containers[0].name[0]}",
        "{end}",
        "{.foo bar}",
        "{[0]}",
        "{.spec.template.spec.containers[?(@.name==3)]}",
        "{.metadata[?(@.x)]}",
    ] {
        let tmpl = format!("jsonpath={t}");
        let (_, err, ok) = run(&with_output(deploy, &tmpl));
        assert!(!ok, "{t} should fail");
        let want = err.strip_prefix("error: ").unwrap_or(&err).to_string();
        let want = want.strip_suffix('\n').unwrap_or(&want).to_string();
        assert_eq!(jsonpath::render(t, &obj), Err(want), "template {t}");
    }
}
