//! Golden tests against the real kubectl: for client-side generator commands (`--dry-run=client`), our
//! printers must print exactly what kubectl prints. kubectl's `-o json` is parsed and rendered with our
//! printers, then compared byte for byte with kubectl's `-o yaml` / `-o jsonpath=...`.
//!
//! When `/usr/bin/kubectl` is absent the tests print why and pass.

use std::path::Path;
use std::process::Command;

use kubedojo::kubectl::printers::{custom_columns, gofmt, jsonpath, yaml};
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

// -------------------------------------------------------------------------------------------------
// `kubectl get` against a minimal fake API server: lists come back as unstructured objects, the way
// kubedojo's simulated cluster hands them to the printers (integers stay integers).
// -------------------------------------------------------------------------------------------------

mod fake_api {
    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;

    use serde_json::{json, Value};

    /// Starts a server on a free port answering discovery and `GET .../pods`; returns its URL, or
    /// `None` (after saying why) when no local port can be opened.
    pub fn start(pods: Value) -> Option<String> {
        let listener =
            match TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr().map(|a| (l, a))) {
                Ok((l, addr)) => (l, addr.port()),
                Err(e) => {
                    eprintln!("skipping: cannot listen on 127.0.0.1 for a fake API server: {e}");
                    return None;
                }
            };
        let (listener, port) = listener;
        let url = format!("http://127.0.0.1:{port}");
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let mut reader = BufReader::new(stream.try_clone().expect("clone"));
                let mut request_line = String::new();
                if reader.read_line(&mut request_line).is_err() {
                    continue;
                }
                loop {
                    let mut header = String::new();
                    if reader.read_line(&mut header).is_err()
                        || header == "\r\n"
                        || header.is_empty()
                    {
                        break;
                    }
                }
                let path = request_line.split_whitespace().nth(1).unwrap_or("/");
                let path = path.split('?').next().unwrap_or(path);
                let (status, body) = route(path, &pods, port);
                let body = body.to_string();
                let _ = write!(
                    stream,
                    "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
            }
        });
        Some(url)
    }

    fn route(path: &str, pods: &Value, port: u16) -> (&'static str, Value) {
        match path {
            "/api" => (
                "200 OK",
                json!({"kind": "APIVersions", "versions": ["v1"],
                       "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": format!("127.0.0.1:{port}")}]}),
            ),
            "/apis" => (
                "200 OK",
                json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": []}),
            ),
            "/api/v1" => (
                "200 OK",
                json!({"kind": "APIResourceList", "groupVersion": "v1", "resources": [
                    {"name": "pods", "singularName": "pod", "namespaced": true, "kind": "Pod", "verbs": ["get", "list"], "shortNames": ["po"]}
                ]}),
            ),
            p if p.starts_with("/api/v1/namespaces/default/pods/") => {
                let name = &p["/api/v1/namespaces/default/pods/".len()..];
                let found = pods
                    .as_array()
                    .and_then(|items| items.iter().find(|i| i["metadata"]["name"] == name));
                match found {
                    Some(pod) => ("200 OK", pod.clone()),
                    None => (
                        "404 Not Found",
                        json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "reason": "NotFound", "code": 404,
                               "message": format!("pods \"{name}\" not found"), "details": {"name": name, "kind": "pods"}}),
                    ),
                }
            }
            "/api/v1/namespaces/default/pods" => (
                "200 OK",
                json!({"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "42"}, "items": pods}),
            ),
            _ => (
                "404 Not Found",
                json!({"kind": "Status", "apiVersion": "v1", "status": "Failure", "message": "not found", "reason": "NotFound", "code": 404}),
            ),
        }
    }
}

fn server_pods() -> Value {
    serde_json::json!([
        {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": "web-7d4b9c8f5-abcde", "namespace": "default", "uid": "1", "creationTimestamp": "2024-01-15T10:00:00Z",
                      "labels": {"app": "web", "app.kubernetes.io/name": "shop", "pod-template-hash": "7d4b9c8f5"},
                      "annotations": {"note": "line one\nline two\n", "empty": "", "yes": "yes", "ratio": "0.5"}},
         "spec": {"nodeName": "node-1", "containers": [
             {"name": "nginx", "image": "nginx:1.27", "ports": [{"containerPort": 80, "protocol": "TCP"}],
              "resources": {"limits": {"cpu": "500m", "memory": "128Mi"}}, "args": ["--port", "80", "--msg=hello: world"]},
             {"name": "sidecar", "image": "busybox", "command": ["sh", "-c", "while true; do echo hi; sleep 5; done"]}]},
         "status": {"phase": "Running", "podIP": "10.244.1.5", "startTime": "2024-01-15T10:00:01Z",
                    "conditions": [{"type": "Ready", "status": "True"}, {"type": "PodScheduled", "status": "True"}],
                    "containerStatuses": [{"name": "nginx", "restartCount": 3, "ready": true}, {"name": "sidecar", "restartCount": 0, "ready": true}]}},
        {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": "db-0", "namespace": "default", "uid": "2", "creationTimestamp": "2024-01-15T11:00:00Z"},
         "spec": {"containers": [{"name": "postgres", "image": "postgres:16", "env": [{"name": "PGDATA", "value": "/var/lib/postgresql/data\tx"}]}]},
         "status": {"phase": "Pending", "conditions": [{"type": "Ready", "status": "False", "message": "containers with unready status: [postgres]"}],
                    "containerStatuses": [{"name": "postgres", "restartCount": 12, "ready": false}]}}
    ])
}

/// `kubectl get pods` against the fake server with the given extra arguments.
fn kubectl_get(url: &str, cache: &str, args: &[&str]) -> (String, String, bool) {
    let mut all = vec![
        "get",
        "pods",
        "--server",
        url,
        "--cache-dir",
        cache,
        "-n",
        "default",
    ];
    all.extend_from_slice(args);
    kubectl(&all)
}

#[test]
fn get_from_a_server_matches_kubectl() {
    if !kubectl_present() {
        return;
    }
    let pods = server_pods();
    let Some(url) = fake_api::start(pods.clone()) else {
        return;
    };
    let cache_dir =
        std::env::temp_dir().join(format!("kubedojo-printers-cache-{}", std::process::id()));
    let cache = cache_dir.to_string_lossy().into_owned();
    let items: Vec<Value> = pods.as_array().cloned().unwrap_or_default();

    // -o yaml / -o json of the list kubectl builds.
    let (json_out, err, ok) = kubectl_get(&url, &cache, &["-o", "json"]);
    assert!(ok, "kubectl get -o json failed: {err}");
    let list: Value = serde_json::from_str(&json_out).expect("json");
    assert_eq!(
        gofmt::json_pretty(&list),
        json_out,
        "json of a list from the server"
    );
    let (yaml_out, err, ok) = kubectl_get(&url, &cache, &["-o", "yaml"]);
    assert!(ok, "kubectl get -o yaml failed: {err}");
    assert_eq!(
        yaml::to_yaml(&list),
        yaml_out,
        "yaml of a list from the server"
    );

    // custom columns.
    let specs = [
        "NAME:.metadata.name,STATUS:.status.phase",
        "NAME:.metadata.name,IMAGES:.spec.containers[*].image,RESTARTS:.status.containerStatuses[*].restartCount",
        "N:metadata.name,IP:{.status.podIP},NODE:.spec.nodeName",
        "LABELS:.metadata.labels,ANN:.metadata.annotations.note",
        "A:.metadata.labels.app\\.kubernetes\\.io/name,B:.metadata.labels['app']",
        "READY:.status.conditions[?(@.type==\"Ready\")].status,MSG:.status.conditions[?(@.type==\"Ready\")].message",
        "PORTS:.spec.containers[*].ports[*].containerPort,LIMITS:.spec.containers[0].resources.limits",
        "ENV:.spec.containers[0].env[0].value,X:.nothing",
        "CMD:.spec.containers[1].command,ARGS:.spec.containers[0].args",
        "HIGH:.status.containerStatuses[?(@.restartCount>5)].name",
        "R:.status.containerStatuses[0].ready",
        "ALL:.spec.containers",
    ];
    for spec in specs {
        let (want, err, ok) = kubectl_get(&url, &cache, &["-o", &format!("custom-columns={spec}")]);
        if !ok {
            // kubectl flushes the rows printed before the failing one; we only return the error.
            let err = err.strip_prefix("error: ").unwrap_or(&err);
            let err = err.strip_suffix('\n').unwrap_or(err);
            assert_eq!(
                custom_columns::render(spec, &items, false),
                Err(err.to_string()),
                "custom-columns={spec}"
            );
            continue;
        }
        assert_eq!(
            custom_columns::render(spec, &items, false),
            Ok(want),
            "custom-columns={spec}"
        );
        let (want, _, _) = kubectl_get(
            &url,
            &cache,
            &["-o", &format!("custom-columns={spec}"), "--no-headers"],
        );
        assert_eq!(
            custom_columns::render(spec, &items, true),
            Ok(want),
            "custom-columns={spec} --no-headers"
        );
    }

    // custom-columns-file.
    let file = cache_dir.join("columns.txt");
    std::fs::create_dir_all(&cache_dir).expect("mkdir");
    std::fs::write(
        &file,
        "NAME   PHASE         IMAGE\n{.metadata.name} .status.phase spec.containers[0].image\n",
    )
    .expect("write");
    let (want, err, ok) = kubectl_get(
        &url,
        &cache,
        &["-o", &format!("custom-columns-file={}", file.display())],
    );
    assert!(ok, "custom-columns-file failed: {err}");
    let text = std::fs::read_to_string(&file).expect("read");
    assert_eq!(
        custom_columns::render_file(&text, &items),
        Ok(want.clone()),
        "custom-columns-file"
    );
    // Headers may hold ':' and ','; --no-headers does not apply to files.
    std::fs::write(&file, "NAME:X   A,B\n.metadata.name .status.phase\n").expect("write");
    let (want2, err, ok) = kubectl_get(
        &url,
        &cache,
        &[
            "-o",
            &format!("custom-columns-file={}", file.display()),
            "--no-headers",
        ],
    );
    assert!(ok, "custom-columns-file failed: {err}");
    let text2 = std::fs::read_to_string(&file).expect("read");
    assert_eq!(
        custom_columns::render_file(&text2, &items),
        Ok(want2),
        "custom-columns-file with odd headers"
    );
    let spec = custom_columns::parse_file(&text).expect("parse file");
    assert_eq!(
        custom_columns::render(&spec, &items, false),
        Ok(want),
        "custom-columns-file"
    );

    // jsonpath over a list with integers, as kubectl get sees it.
    let templates = [
        "{.items[*].metadata.name}",
        "{range .items[*]}{.metadata.name}{\"\\t\"}{.status.phase}{\"\\n\"}{end}",
        "{.items[?(@.status.phase==\"Running\")].metadata.name}",
        "{.items[*].status.containerStatuses[?(@.restartCount>2)].name}",
        "{.items[*].status.containerStatuses[?(@.restartCount==0)].name}",
        "{.items[0].spec.containers[0].ports}",
        "{.items[0].metadata.annotations}",
        "{.items[*].metadata.labels.app\\.kubernetes\\.io/name}",
        "{.items[0].metadata.labels['app.kubernetes.io/name']}",
        "{range .items[*]}{range .spec.containers[*]}{.name}={.image};{end}{\"\\n\"}{end}",
        "{.items[-1:].metadata.name}",
        "{.items[0:2:2].metadata.name}",
        "{.items[*].status.containerStatuses[*].restartCount}",
        "{.kind} {.apiVersion} {.metadata}",
    ];
    for t in templates {
        let (want, err, ok) = kubectl_get(&url, &cache, &["-o", &format!("jsonpath={t}")]);
        assert!(ok, "kubectl jsonpath={t} failed: {err}");
        assert_eq!(jsonpath::render(t, &list), Ok(want), "jsonpath={t}");
    }
    let _ = std::fs::remove_dir_all(&cache_dir);
}

// -------------------------------------------------------------------------------------------------
// Fuzzing against the oracle: many random strings made of the characters YAML cares about.
// -------------------------------------------------------------------------------------------------

/// Fuzz rounds: the default, or `PRINTERS_FUZZ_ROUNDS` for a longer local run.
fn fuzz_rounds(default: usize) -> usize {
    std::env::var("PRINTERS_FUZZ_ROUNDS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    /// The fixed seed, mixed with `PRINTERS_FUZZ_SEED` when set (to explore beyond the default cases).
    fn seeded(seed: u64) -> Self {
        let extra: u64 = std::env::var("PRINTERS_FUZZ_SEED")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        Rng((seed ^ extra.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// A string of tricky characters; `long` mixes in runs of words so folding is exercised.
    fn tricky(&mut self, max_len: usize) -> String {
        const ATOMS: &[&str] = &[
            " ",
            " ",
            "a",
            "b",
            "word",
            ":",
            "#",
            "-",
            "?",
            "'",
            "\"",
            "\\",
            "\n",
            "\n",
            "\t",
            "\r",
            ".",
            "0",
            "1",
            "e",
            "y",
            "n",
            "on",
            "true",
            "null",
            "~",
            "*",
            "&",
            "!",
            "|",
            ">",
            "%",
            "@",
            "`",
            ",",
            "[",
            "]",
            "{",
            "}",
            "é",
            "日本",
            "\u{85}",
            "\u{2028}",
            "\u{feff}",
            "\u{1F600}",
            "\u{a0}",
            "\u{1b}",
            "---",
            "...",
            "2024-01-15",
            "0x1F",
            "1e3",
            "+",
            "_",
            "<<",
            "=",
        ];
        let len = self.below(max_len + 1);
        let mut s = String::new();
        for _ in 0..len {
            s.push_str(ATOMS[self.below(ATOMS.len())]);
        }
        s
    }
}

#[test]
fn yaml_fuzz_of_strings_matches_kubectl() {
    if !kubectl_present() {
        return;
    }
    let mut rng = Rng::seeded(0x9E37_79B9_7F4A_7C15);
    for round in 0..fuzz_rounds(12) {
        let mut args: Vec<String> =
            vec!["create".into(), "configmap".into(), format!("fuzz{round}")];
        for i in 0..40 {
            let max = if i % 4 == 0 { 60 } else { 8 };
            let value = rng.tricky(max);
            args.push(format!("--from-literal=k{i}={value}"));
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let (want, err, ok) = run(&with_output(&refs, "yaml"));
        if !ok && err.starts_with("error: yaml:") {
            // kubectl's own JSON-to-YAML step can fail (a raw NEL followed by `---` reads as a document
            // marker); to_yaml has no error to give, so such rounds are skipped.
            eprintln!("round {round}: kubectl could not print YAML ({err}); skipped");
            continue;
        }
        assert!(ok, "kubectl failed: {err}");
        let obj = json_of(&refs);
        let got = yaml::to_yaml(&obj);
        // Name the first differing line to make a failure readable.
        let first = got.lines().zip(want.lines()).find(|(a, b)| a != b);
        assert_eq!(got, want, "round {round}: first difference {first:?}");
    }
}

/// Arbitrary JSON: nested maps with odd keys, lists, numbers of every kind, strings with NUL and more.
fn random_json(rng: &mut Rng, depth: usize) -> Value {
    use serde_json::json;
    let pick = if depth == 0 {
        rng.below(6)
    } else {
        rng.below(9)
    };
    match pick {
        0 => json!(null),
        1 => json!(rng.below(2) == 0),
        2 => {
            const NUMS: &[f64] = &[
                0.0,
                1.0,
                -1.0,
                0.5,
                1e6,
                1e21,
                1.5e-7,
                123456789.0,
                3.25,
                1e20,
                -0.001,
            ];
            json!(NUMS[rng.below(NUMS.len())])
        }
        3 => json!((rng.next() % 2_000_000) as i64 - 1_000_000),
        4 | 5 => {
            // Mostly short strings; sometimes long ones, so folding happens at every nesting depth.
            let max = if rng.below(6) == 0 { 40 } else { 12 };
            let nul = if rng.below(5) == 0 { "\u{0}" } else { "" };
            json!(rng.tricky(max) + nul)
        }
        6 | 7 => {
            let mut m = serde_json::Map::new();
            for _ in 0..rng.below(4) {
                let key = if rng.below(10) == 0 {
                    "k".repeat(120 + rng.below(20))
                } else {
                    rng.tricky(5)
                };
                m.insert(key, random_json(rng, depth - 1));
            }
            Value::Object(m)
        }
        _ => Value::Array(
            (0..rng.below(4))
                .map(|_| random_json(rng, depth - 1))
                .collect(),
        ),
    }
}

#[test]
fn yaml_fuzz_of_structures_matches_kubectl() {
    if !kubectl_present() {
        return;
    }
    let mut rng = Rng::seeded(0x2545_F491_4F6C_DD1D);
    for round in 0..fuzz_rounds(8) {
        let items: Vec<Value> = (0..6)
            .map(|i| {
                serde_json::json!({
                    "apiVersion": "v1", "kind": "Pod",
                    "metadata": {"name": format!("p{round}-{i}"), "namespace": "default"},
                    "spec": random_json(&mut rng, 4),
                })
            })
            .collect();
        let Some(url) = fake_api::start(Value::Array(items)) else {
            return;
        };
        let cache =
            std::env::temp_dir().join(format!("kubedojo-fuzz-{}-{round}", std::process::id()));
        let cache = cache.to_string_lossy().into_owned();
        let (json_out, err, ok) = kubectl_get(&url, &cache, &["-o", "json"]);
        assert!(ok, "kubectl get -o json failed: {err}");
        let (want, err, ok) = kubectl_get(&url, &cache, &["-o", "yaml"]);
        let _ = std::fs::remove_dir_all(&cache);
        if !ok {
            eprintln!("round {round}: kubectl could not print YAML ({err}); skipped");
            continue;
        }
        let list: Value = serde_json::from_str(&json_out).expect("json");
        assert_eq!(
            gofmt::json_pretty(&list),
            json_out,
            "round {round}: -o json"
        );
        let got = yaml::to_yaml(&list);
        // Name the first differing line to make a failure readable.
        let first = got.lines().zip(want.lines()).find(|(a, b)| a != b);
        assert_eq!(got, want, "round {round}: first difference {first:?}");
    }
}

/// A random JSONPath template over pod lists: paths, filters, ranges, literals and the odd malformed piece.
/// Map wildcards and `..` are left out, as Go visits map entries in random order.
fn random_template(rng: &mut Rng) -> String {
    const SEGMENTS: &[&str] = &[
        ".items",
        ".items",
        "[0]",
        "[-1]",
        "[1:]",
        "[:1]",
        "[*]",
        "[*]",
        "[0,1]",
        "[0:2:2]",
        ".metadata",
        "['metadata']",
        ".name",
        ".labels",
        ".app\\.kubernetes\\.io/name",
        "['app.kubernetes.io/name']",
        ".spec",
        ".containers",
        ".image",
        ".ports",
        ".containerPort",
        ".status",
        ".phase",
        ".restartCount",
        ".containerStatuses",
        ".conditions",
        "[?(@.name==\"nginx\")]",
        "[?(@.restartCount>2)]",
        "[?(@.restartCount<=0)]",
        "[?(@.ready)]",
        "[?(@.ready==true)]",
        "[?(@.type=='Ready')]",
        "[?(@.restartCount==\"x\")]",
        "[?(@.name!=\"db-0\")]",
        ".missing",
        "[5]",
        ".kind",
        "[-3]",
        "[2:1]",
        ".annotations",
        ".note",
        ".args",
        "[1]",
    ];
    const TEXT: &[&str] = &["x", " ", "=", ",", "\t", "}", "name: "];
    const LITERALS: &[&str] = &[
        "{\"\\n\"}",
        "{\"\\t\"}",
        "{'|'}",
        "{@}",
        "{.kind}",
        "{$.apiVersion}",
    ];
    const BROKEN: &[&str] = &[
        "{",
        "{.items[",
        "{range}",
        "{end}",
        "{.a[?(@.b}",
        "{.x y}",
        "{[x]}",
        "{\"a}",
    ];
    let path = |rng: &mut Rng| -> String {
        let mut p = String::from(".items");
        for _ in 0..rng.below(5) {
            p.push_str(SEGMENTS[rng.below(SEGMENTS.len())]);
        }
        p
    };
    let mut t = String::new();
    for _ in 0..1 + rng.below(4) {
        match rng.below(12) {
            0 | 1 => t.push_str(TEXT[rng.below(TEXT.len())]),
            2 => t.push_str(LITERALS[rng.below(LITERALS.len())]),
            3 => {
                let p = path(rng);
                let inner = path(rng).replacen(".items", "", 1);
                let inner = if inner.is_empty() {
                    ".metadata.name".to_string()
                } else {
                    inner
                };
                t.push_str(&format!("{{range {p}}}{{{inner}}}{{\"|\"}}{{end}}"));
            }
            4 if rng.below(4) == 0 => t.push_str(BROKEN[rng.below(BROKEN.len())]),
            _ => t.push_str(&format!("{{{}}}", path(rng))),
        }
    }
    t
}

#[test]
fn jsonpath_fuzz_matches_kubectl() {
    if !kubectl_present() {
        return;
    }
    let Some(url) = fake_api::start(server_pods()) else {
        return;
    };
    let cache = std::env::temp_dir().join(format!("kubedojo-jp-fuzz-{}", std::process::id()));
    let cache = cache.to_string_lossy().into_owned();
    let (json_out, err, ok) = kubectl_get(&url, &cache, &["-o", "json"]);
    assert!(ok, "kubectl get -o json failed: {err}");
    let list: Value = serde_json::from_str(&json_out).expect("json");
    let mut rng = Rng::seeded(0xD1B5_4A32_D192_ED03);
    for _ in 0..fuzz_rounds(40) {
        let t = random_template(&mut rng);
        let (out, err, ok) = kubectl_get(&url, &cache, &["-o", &format!("jsonpath={t}")]);
        if err.starts_with("panic:") {
            // kubectl crashes here (e.g. an index applied to an empty range); we return an error.
            assert!(jsonpath::render(&t, &list).is_err(), "jsonpath={t}");
            continue;
        }
        let want = if ok {
            Ok(out)
        } else {
            let e = err.strip_prefix("error: ").unwrap_or(&err);
            Err(e.strip_suffix('\n').unwrap_or(e).to_string())
        };
        assert_eq!(jsonpath::render(&t, &list), want, "jsonpath={t}");
    }
    let _ = std::fs::remove_dir_all(&cache);
}

#[test]
fn custom_columns_fuzz_matches_kubectl() {
    if !kubectl_present() {
        return;
    }
    const HEADERS: &[&str] = &["NAME", "A", "IMAGE", "X Y", "", "LONGER-HEADER-NAME", "r"];
    const PATHS: &[&str] = &[
        ".metadata.name",
        "metadata.name",
        "{.metadata.name}",
        "{metadata.namespace}",
        ".spec.containers[*].image",
        ".spec.containers[0].name",
        ".status.containerStatuses[*].restartCount",
        ".metadata.labels",
        ".metadata.annotations.note",
        ".metadata.annotations.empty",
        ".spec.containers[*].args",
        ".missing",
        ".status.conditions[?(@.type==\"Ready\")].status",
        ".status.containerStatuses[?(@.restartCount>2)].name",
        ".spec.containers[0].env[0].value",
        ".spec.containers[-1].image",
        ".status.podIP",
        ".spec.nodeName",
        ".metadata.labels.app\\.kubernetes\\.io/name",
        ".metadata['name']",
        ".spec.containers[1].name",
        "",
        ".spec.containers[0].ports",
        ".status.containerStatuses[0].ready",
        "{.a}{.b}",
        ".items[",
        "..image",
    ];
    let Some(url) = fake_api::start(server_pods()) else {
        return;
    };
    let cache = std::env::temp_dir().join(format!("kubedojo-cc-fuzz-{}", std::process::id()));
    let cache = cache.to_string_lossy().into_owned();
    let items: Vec<Value> = server_pods().as_array().cloned().unwrap_or_default();
    let mut rng = Rng::seeded(0x6A09_E667_F3BC_C908);
    for _ in 0..fuzz_rounds(30) {
        let n = 1 + rng.below(4);
        let spec: Vec<String> = (0..n)
            .map(|_| {
                let h = HEADERS[rng.below(HEADERS.len())];
                let p = PATHS[rng.below(PATHS.len())];
                if rng.below(25) == 0 {
                    h.to_string()
                } else {
                    format!("{h}:{p}")
                }
            })
            .collect();
        let spec = spec.join(",");
        let no_headers = rng.below(3) == 0;
        let mut args = vec!["-o".to_string(), format!("custom-columns={spec}")];
        if no_headers {
            args.push("--no-headers".into());
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let (out, err, ok) = kubectl_get(&url, &cache, &refs);
        let ours = custom_columns::render(&spec, &items, no_headers);
        if ok {
            assert_eq!(
                ours,
                Ok(out),
                "custom-columns={spec} no_headers={no_headers}"
            );
        } else {
            let e = err.strip_prefix("error: ").unwrap_or(&err);
            let e = e.strip_suffix('\n').unwrap_or(e);
            assert_eq!(
                ours,
                Err(e.to_string()),
                "custom-columns={spec} no_headers={no_headers}"
            );
            // What kubectl flushed to stdout before failing.
            assert_eq!(
                custom_columns::render_partial(&spec, &items, no_headers),
                (out, Some(e.to_string())),
                "stdout of failing custom-columns={spec}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&cache);
}

#[test]
fn yaml_of_single_objects_matches_kubectl() {
    if !kubectl_present() {
        return;
    }
    // Objects whose last value is a kept-newlines block, an empty key, a long complex key with a map
    // value, and odd top-level values.
    let pods = serde_json::json!([
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "keep"}, "zzz": "a\n\n"},
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "y"}, "zzz": ["a\n\n", {"": ""}]},
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "complex"},
         "spec": {"k".repeat(140): {"a": "b", "c": ["d"]}, "l".repeat(130): ["x", {"y": "z"}], "m\nn": "multi-line key"}},
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "nums"},
         "spec": {"big": 9007199254740993_i64, "neg": -5, "f": 0.1, "e": 1e-7, "huge": 1e300, "z": 0, "list": [[], {}, [[]]]}}
    ]);
    let Some(url) = fake_api::start(pods) else {
        return;
    };
    let cache = std::env::temp_dir().join(format!("kubedojo-single-{}", std::process::id()));
    let cache = cache.to_string_lossy().into_owned();
    for name in ["keep", "y", "complex", "nums"] {
        let (json_out, err, ok) = kubectl(&[
            "get",
            "pod",
            name,
            "--server",
            &url,
            "--cache-dir",
            &cache,
            "-o",
            "json",
        ]);
        assert!(ok, "kubectl get pod {name} -o json failed: {err}");
        let obj: Value = serde_json::from_str(&json_out).expect("json");
        let (want, err, ok) = kubectl(&[
            "get",
            "pod",
            name,
            "--server",
            &url,
            "--cache-dir",
            &cache,
            "-o",
            "yaml",
        ]);
        assert!(ok, "kubectl get pod {name} -o yaml failed: {err}");
        assert_eq!(yaml::to_yaml(&obj), want, "yaml of pod {name}");
    }
    let _ = std::fs::remove_dir_all(&cache);
}

#[test]
fn jsonpath_over_maps_gives_kubectls_values_in_key_order() {
    if !kubectl_present() {
        return;
    }
    // Go visits maps in random order, so compare the multiset of space-separated results.
    let deploy: &[&str] = &[
        "create",
        "deployment",
        "web",
        "--image=nginx:1.27",
        "--image=busybox",
        "--port=80",
    ];
    let obj = json_of(deploy);
    let sorted = |s: &str| {
        let mut v: Vec<String> = s.split(' ').map(str::to_string).collect();
        v.sort();
        v
    };
    for t in [
        "{..}",
        "{..name}",
        "{.metadata.*}",
        "{.spec.template.spec.containers[0].*}",
        "{.spec.*.*}",
        "{..containerPort}",
        "{..[0]}",
        "{.metadata..app}",
    ] {
        let tmpl = format!("jsonpath={t}");
        let (out, err, ok) = run(&with_output(deploy, &tmpl));
        let ours = jsonpath::render(t, &obj);
        if ok {
            let ours = ours.unwrap_or_else(|e| e);
            assert_eq!(sorted(&ours), sorted(&out), "template {t}");
        } else {
            // Errors quote the whole object; its %#v is in key order on both sides.
            let want = err.strip_prefix("error: ").unwrap_or(&err);
            assert!(
                ours.is_err(),
                "template {t} should fail like kubectl: {want}"
            );
        }
    }
}

#[test]
fn jsonpath_on_typed_dry_run_objects_matches_kubectl() {
    if !kubectl_present() {
        return;
    }
    let deploy: &[&str] = &[
        "create",
        "deployment",
        "big",
        "--image=nginx",
        "--replicas=1000000",
        "--port=80",
    ];
    let obj = jsonpath::typed_numbers(&json_of(deploy));
    for t in [
        "{.spec.replicas}",
        "{.spec}",
        "{.spec.template.spec.containers[0].ports[0].containerPort}",
        "{.spec.template.spec.containers[?(@.ports[0].containerPort==80.0)].name}",
        "{.spec.template.spec.containers[?(@.ports[0].containerPort==80)].name}",
        "{.spec.template.spec.containers[?(@.ports[0].containerPort>79.5)].name}",
    ] {
        let tmpl = format!("jsonpath={t}");
        let (out, err, ok) = run(&with_output(deploy, &tmpl));
        let want = if ok {
            Ok(out)
        } else {
            let e = err.strip_prefix("error: ").unwrap_or(&err);
            Err(e.strip_suffix('\n').unwrap_or(e).to_string())
        };
        assert_eq!(jsonpath::render(t, &obj), want, "template {t}");
    }
}

#[test]
fn jsonpath_as_json_matches_kubectl() {
    if !kubectl_present() {
        return;
    }
    let deploy: &[&str] = &[
        "create",
        "deployment",
        "x",
        "--image=nginx",
        "--image=busybox",
    ];
    let obj = jsonpath::typed_numbers(&json_of(deploy));
    for t in [
        "{.metadata.name}",
        "{.spec.template.spec.containers[*].image}",
        "{.metadata}",
        "text{.x}{.spec.replicas}",
        "{range .spec.template.spec.containers[*]}{.name}{end}",
        "{.spec.template.spec.containers}",
        "{.a[0]}",
        "{.metadata.name}{\"<&>\"}",
        "{.a[",
    ] {
        let (out, err, ok) = run(&with_output(deploy, &format!("jsonpath-as-json={t}")));
        let want = if ok {
            Ok(out)
        } else {
            let e = err.strip_prefix("error: ").unwrap_or(&err);
            Err(e.strip_suffix('\n').unwrap_or(e).to_string())
        };
        assert_eq!(
            jsonpath::render_as_json(t, &obj),
            want,
            "jsonpath-as-json={t}"
        );
    }
}

#[test]
fn empty_lists_print_like_kubectl() {
    if !kubectl_present() {
        return;
    }
    let Some(url) = fake_api::start(serde_json::json!([])) else {
        return;
    };
    let cache = std::env::temp_dir().join(format!("kubedojo-empty-{}", std::process::id()));
    let cache = cache.to_string_lossy().into_owned();
    let (out, err, ok) = kubectl_get(
        &url,
        &cache,
        &["-o", "custom-columns=NAME:.metadata.name,AGE:.x"],
    );
    assert!(ok, "{err}");
    assert_eq!(
        custom_columns::render::<Value>("NAME:.metadata.name,AGE:.x", &[], false),
        Ok(out)
    );
    let (json_out, err, ok) = kubectl_get(&url, &cache, &["-o", "json"]);
    assert!(ok, "{err}");
    let list: Value = serde_json::from_str(&json_out).expect("json");
    let (want, _, _) = kubectl_get(&url, &cache, &["-o", "yaml"]);
    assert_eq!(yaml::to_yaml(&list), want);
    let (want, _, _) = kubectl_get(&url, &cache, &["-o", "jsonpath={.items[*].metadata.name}x"]);
    assert_eq!(
        jsonpath::render("{.items[*].metadata.name}x", &list),
        Ok(want)
    );
    let _ = std::fs::remove_dir_all(&cache);
}

#[test]
fn yaml_refuses_what_kubectl_refuses() {
    if !kubectl_present() {
        return;
    }
    for value in ["a\u{7f}b", "x\u{90}", "\u{ffff}", "fine\u{85}too"] {
        let literal = format!("--from-literal=k={value}");
        let args = ["create", "configmap", "c", literal.as_str()];
        let (out, err, ok) = run(&with_output(&args, "yaml"));
        let obj = json_of(&args);
        if ok {
            assert_eq!(yaml::to_yaml_checked(&obj), Ok(out), "{value:?}");
        } else {
            let e = err.strip_prefix("error: ").unwrap_or(&err);
            assert_eq!(
                yaml::to_yaml_checked(&obj),
                Err(e.trim_end().to_string()),
                "{value:?}"
            );
        }
    }
}
