//! The kubeconfig as on the exam: `kubectl config` edits users, clusters and contexts, the file
//! `~/.kube/config` shows them, and a context of a certificate user acts as that user under RBAC.

use kubedojo::session::{ClockMode, Session};

fn session() -> Session {
    Session::sandbox(ClockMode::Manual)
}

fn ok(s: &mut Session, line: &str) -> String {
    let out = s.run(line);
    assert_eq!(out.code, 0, "{line}: {}", out.stderr);
    out.stdout
}

/// A user `john` with a key, a CSR signed by the cluster, and list rights on pods in default.
fn john(s: &mut Session) {
    ok(s, "openssl genrsa -out /root/john.key 2048");
    ok(
        s,
        "openssl req -new -key /root/john.key -subj \"/CN=john/O=devs\" -out /root/john.csr",
    );
    ok(s, "cat <<EOF | kubectl apply -f -\napiVersion: certificates.k8s.io/v1\nkind: CertificateSigningRequest\nmetadata:\n  name: john\nspec:\n  request: $(base64 -w0 < /root/john.csr)\n  signerName: kubernetes.io/kube-apiserver-client\n  usages:\n  - client auth\nEOF");
    ok(s, "kubectl certificate approve john");
    ok(
        s,
        "kubectl get csr john -o jsonpath='{.status.certificate}' | base64 -d > /root/john.crt",
    );
    ok(
        s,
        "kubectl create role reader --verb=get,list --resource=pods",
    );
    ok(
        s,
        "kubectl create rolebinding reader --role=reader --user=john",
    );
}

#[test]
fn a_context_of_a_certificate_user_acts_as_that_user() {
    let mut s = session();
    john(&mut s);
    assert_eq!(
        ok(&mut s, "kubectl config set-credentials john --client-certificate=/root/john.crt --client-key=/root/john.key"),
        "User \"john\" set.\n"
    );
    assert_eq!(
        ok(
            &mut s,
            "kubectl config set-context john-ctx --cluster=kubernetes --user=john"
        ),
        "Context \"john-ctx\" created.\n"
    );
    let out = s.run("kubectl --context john-ctx get pods");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let out = s.run("kubectl --context john-ctx get deployments");
    assert_eq!(out.stderr, "Error from server (Forbidden): deployments.apps is forbidden: User \"john\" cannot list resource \"deployments\" in API group \"apps\" in the namespace \"default\"\n");
    let who = ok(&mut s, "kubectl --context john-ctx auth whoami");
    assert!(who.contains("john") && who.contains("devs"), "{who}");
    // The admin context is untouched.
    assert_eq!(s.run("kubectl get deployments").code, 0);
}

#[test]
fn missing_or_wrong_credentials_fail_like_kubectl() {
    let mut s = session();
    john(&mut s);
    ok(&mut s, "kubectl config set-credentials ghost --client-certificate=/root/ghost.crt --client-key=/root/john.key");
    ok(
        &mut s,
        "kubectl config set-context g --cluster=kubernetes --user=ghost",
    );
    assert_eq!(
        s.run("kubectl --context g get pods").stderr,
        "error: unable to read client-cert /root/ghost.crt for ghost due to open /root/ghost.crt: no such file or directory\n"
    );
    // A certificate the learner signed with its own key is not trusted by the API server.
    ok(
        &mut s,
        "openssl x509 -req -in /root/john.csr -signkey /root/john.key -days 1 -out /root/self.crt",
    );
    ok(&mut s, "kubectl config set-credentials self --client-certificate=/root/self.crt --client-key=/root/john.key");
    ok(
        &mut s,
        "kubectl config set-context self --cluster=kubernetes --user=self",
    );
    assert_eq!(
        s.run("kubectl --context self get pods").stderr,
        "error: You must be logged in to the server (Unauthorized)\n"
    );
    assert_eq!(
        s.run("kubectl config set-credentials e --client-certificate=/root/none.crt --embed-certs").stderr,
        "error: could not stat client-certificate file /root/none.crt: stat /root/none.crt: no such file or directory\n"
    );
}

#[test]
fn the_kubeconfig_file_follows_the_config_commands() {
    let mut s = session();
    john(&mut s);
    ok(&mut s, "kubectl config set-credentials john --client-certificate=/root/john.crt --client-key=/root/john.key --embed-certs");
    ok(&mut s, "kubectl config set-cluster other --server=https://172.30.1.2:6443 --certificate-authority=/etc/kubernetes/pki/ca.crt");
    ok(
        &mut s,
        "kubectl config set-context dev --cluster=other --user=john --namespace=dev",
    );
    let file = ok(&mut s, "cat ~/.kube/config");
    assert!(
        file.contains(
            "- context:\n    cluster: other\n    namespace: dev\n    user: john\n  name: dev\n"
        ),
        "{file}"
    );
    assert!(
        file.contains("- name: john\n  user:\n    client-certificate-data: LS0t"),
        "{file}"
    );
    assert!(file.contains("    certificate-authority: /etc/kubernetes/pki/ca.crt\n    server: https://172.30.1.2:6443\n  name: other\n"), "{file}");
    let view = ok(&mut s, "kubectl config view");
    assert!(view.contains("- name: john\n  user:\n    client-certificate-data: DATA+OMITTED\n    client-key-data: DATA+OMITTED\n"), "{view}");
    // A cluster entry reaches the cluster whose API server it names.
    assert_eq!(s.run("kubectl --context dev get pods -n default").code, 0);
    ok(&mut s, "kubectl config use-context dev");
    let min = ok(&mut s, "kubectl config view --minify");
    assert!(
        min.contains("current-context: dev\n") && !min.contains("kubernetes-admin"),
        "{min}"
    );
    ok(
        &mut s,
        "kubectl config use-context kubernetes-admin@kubernetes",
    );
    assert_eq!(
        ok(&mut s, "kubectl config rename-context dev dev2"),
        "Context \"dev\" renamed to \"dev2\".\n"
    );
    assert_eq!(
        ok(&mut s, "kubectl config delete-context dev2"),
        "deleted context dev2 from /root/.kube/config\n"
    );
    assert_eq!(
        ok(&mut s, "kubectl config delete-user john"),
        "deleted user john from /root/.kube/config\n"
    );
    assert_eq!(
        ok(&mut s, "kubectl config delete-cluster other"),
        "deleted cluster other from /root/.kube/config\n"
    );
    assert_eq!(
        s.run("kubectl config delete-context nope").stderr,
        "error: cannot delete context nope, not in /root/.kube/config\n"
    );
    let file = ok(&mut s, "cat ~/.kube/config");
    assert!(!file.contains("john") && !file.contains("other"), "{file}");
    assert_eq!(
        ok(
            &mut s,
            "kubectl config unset contexts.kubernetes-admin@kubernetes.namespace"
        ),
        "Property \"contexts.kubernetes-admin@kubernetes.namespace\" unset.\n"
    );
}

/// Two kubeconfig files as in client-go's merging rules: `b` also defines a context named like
/// `a`'s (the first file wins) and its own current-context (the first file's wins).
fn two_files(s: &mut Session) {
    ok(s, "cat > /root/a.conf <<'EOF'\napiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://172.30.1.2:6443\n  name: kubernetes\ncontexts:\n- context:\n    cluster: kubernetes\n    user: kubernetes-admin\n  name: kubernetes-admin@kubernetes\ncurrent-context: kubernetes-admin@kubernetes\nusers:\n- name: kubernetes-admin\n  user:\n    token: abc\nEOF");
    ok(s, "cat > /root/b.conf <<'EOF'\napiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://10.0.0.1:6443\n  name: other\ncontexts:\n- context:\n    cluster: other\n    user: bob\n    namespace: dev\n  name: bob@other\n- context:\n    cluster: other\n    user: x\n  name: kubernetes-admin@kubernetes\ncurrent-context: bob@other\nusers:\n- name: bob\n  user:\n    token: xyz\nEOF");
}

#[test]
fn a_kubeconfig_list_merges_and_writes_back_like_kubectl() {
    let mut s = session();
    two_files(&mut s);
    // What kubectl v1.32 prints for these two files.
    assert_eq!(
        ok(&mut s, "KUBECONFIG=a.conf:b.conf kubectl config get-contexts"),
        "CURRENT   NAME                          CLUSTER      AUTHINFO           NAMESPACE\n          bob@other                     other        bob                dev\n*         kubernetes-admin@kubernetes   kubernetes   kubernetes-admin   \n"
    );
    assert_eq!(
        ok(&mut s, "KUBECONFIG=a.conf:/nosuch:b.conf kubectl config view"),
        "apiVersion: v1\nclusters:\n- cluster:\n    server: https://172.30.1.2:6443\n  name: kubernetes\n- cluster:\n    server: https://10.0.0.1:6443\n  name: other\ncontexts:\n- context:\n    cluster: other\n    namespace: dev\n    user: bob\n  name: bob@other\n- context:\n    cluster: kubernetes\n    user: kubernetes-admin\n  name: kubernetes-admin@kubernetes\ncurrent-context: kubernetes-admin@kubernetes\nkind: Config\npreferences: {}\nusers:\n- name: bob\n  user:\n    token: REDACTED\n- name: kubernetes-admin\n  user:\n    token: REDACTED\n"
    );
    ok(&mut s, "export KUBECONFIG=/root/a.conf:/root/b.conf");
    ok(&mut s, "kubectl config use-context bob@other");
    ok(
        &mut s,
        "kubectl config set-context bob@other --namespace=prod",
    );
    ok(&mut s, "kubectl config set-context newctx --namespace=prod");
    // current-context and new entries go to the first file, a change to the file defining it.
    assert_eq!(
        ok(&mut s, "cat /root/a.conf"),
        "apiVersion: v1\nclusters:\n- cluster:\n    server: https://172.30.1.2:6443\n  name: kubernetes\ncontexts:\n- context:\n    cluster: kubernetes\n    user: kubernetes-admin\n  name: kubernetes-admin@kubernetes\n- context:\n    cluster: \"\"\n    namespace: prod\n    user: \"\"\n  name: newctx\ncurrent-context: bob@other\nkind: Config\npreferences: {}\nusers:\n- name: kubernetes-admin\n  user:\n    token: abc\n"
    );
    assert!(ok(&mut s, "cat /root/b.conf")
        .contains("    cluster: other\n    namespace: prod\n    user: bob\n  name: bob@other\n"));
    // The default ~/.kube/config was not touched.
    ok(&mut s, "unset KUBECONFIG");
    assert_eq!(
        ok(&mut s, "kubectl config current-context"),
        "kubernetes-admin@kubernetes\n"
    );
    // A list of files none of which exists: a change creates the last one.
    ok(
        &mut s,
        "KUBECONFIG=/tmp/n1:/tmp/n2 kubectl config set-context q",
    );
    assert_eq!(s.run("ls /tmp/n1").code, 2);
    assert!(ok(&mut s, "cat /tmp/n2").contains("  name: q\n"));
}

#[test]
fn hand_edits_of_the_kubeconfig_file_are_what_kubectl_uses() {
    let mut s = session();
    ok(&mut s, "kubectl create ns team");
    ok(&mut s, "kubectl -n team run web --image=nginx");
    ok(
        &mut s,
        "sed -i 's/    cluster: kubernetes/    cluster: kubernetes\\n    namespace: team/' ~/.kube/config",
    );
    assert!(ok(&mut s, "kubectl get pods").starts_with("NAME   READY"));
    assert_eq!(
        ok(
            &mut s,
            "kubectl config view --minify -o jsonpath='{..namespace}'"
        ),
        "team"
    );
    ok(
        &mut s,
        "sed -i 's/^current-context: .*/current-context: nosuch/' ~/.kube/config",
    );
    assert_eq!(
        s.run("kubectl get pods").stderr,
        "Error in configuration: context was not found for specified context: nosuch\n"
    );
    assert_eq!(
        s.run("kubectl config view --minify").stderr,
        "error: cannot locate context nosuch\n"
    );
    ok(
        &mut s,
        "kubectl config use-context kubernetes-admin@kubernetes",
    );
    // A user entry without credentials is anonymous; a token the API server did not issue is not
    // accepted.
    ok(
        &mut s,
        "sed -i 's/    user: kubernetes-admin/    user: ghost/' ~/.kube/config",
    );
    assert_eq!(s.run("kubectl get pods -n default").stderr, "Error from server (Forbidden): pods is forbidden: User \"system:anonymous\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"\n");
    ok(&mut s, "kubectl config set-credentials ghost --token=abc");
    assert_eq!(
        s.run("kubectl get pods").stderr,
        "error: You must be logged in to the server (Unauthorized)\n"
    );
    // A server that is not the API server's address.
    ok(&mut s, "sed -i 's/6443/6444/' ~/.kube/config");
    assert_eq!(s.run("kubectl get pods").stderr, "The connection to the server 172.30.1.2:6444 was refused - did you specify the right host or port?\n");
    ok(&mut s, "echo 'a: b: c' > ~/.kube/config");
    assert_eq!(
        s.run("kubectl get pods").stderr,
        "error: error loading config file \"/root/.kube/config\": yaml: mapping values are not allowed in this context\n"
    );
    // No kubeconfig at all: kubectl's default server.
    ok(&mut s, "rm ~/.kube/config");
    assert_eq!(s.run("kubectl get pods").stderr, "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n");
    // A client-side generator needs no server.
    assert_eq!(
        ok(
            &mut s,
            "kubectl create deploy x --image=nginx --dry-run=client -o name"
        ),
        "deployment.apps/x\n"
    );
    // admin.conf still holds the admin's credentials.
    assert_eq!(
        s.run("kubectl --kubeconfig /etc/kubernetes/admin.conf get ns default -o name")
            .stdout,
        "namespace/default\n"
    );
    ok(&mut s, "export KUBECONFIG=/etc/kubernetes/admin.conf");
    assert_eq!(
        ok(&mut s, "kubectl get ns default -o name"),
        "namespace/default\n"
    );
}

#[test]
fn missing_kubeconfig_files_fail_like_kubectl() {
    let mut s = session();
    assert_eq!(
        s.run("kubectl --kubeconfig /nosuch get pods").stderr,
        "error: stat /nosuch: no such file or directory\n"
    );
    // `kubectl config` takes a missing file as an empty one.
    assert_eq!(
        ok(&mut s, "kubectl --kubeconfig /nosuch config get-contexts"),
        "CURRENT   NAME   CLUSTER   AUTHINFO   NAMESPACE\n"
    );
    // A KUBECONFIG entry that does not exist is skipped.
    assert_eq!(s.run("KUBECONFIG=/nosuch kubectl get pods").stderr, "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n");
    assert_eq!(
        s.run("KUBECONFIG=/nosuch:/root/.kube/config kubectl get ns default -o name")
            .stdout,
        "namespace/default\n"
    );
    ok(&mut s, "echo 'clusters: 5' > /tmp/x");
    assert_eq!(s.run("kubectl --kubeconfig /tmp/x get pods").stderr, "error: error loading config file \"/tmp/x\": json: cannot unmarshal number into Go struct field Config.clusters of type []v1.NamedCluster\n");
    assert_eq!(
        s.run("kubectl --context nosuch get pods").stderr,
        "Error in configuration: context was not found for specified context: nosuch\n"
    );
    assert_eq!(
        s.run("kubectl --user nosuch get pods").stderr,
        "error: auth info \"nosuch\" does not exist\n"
    );
}

#[test]
fn after_ssh_kubectl_reads_that_hosts_files() {
    let mut s = session();
    ok(&mut s, "ssh node01");
    assert_eq!(s.run("kubectl get pods").stderr, "The connection to the server localhost:8080 was refused - did you specify the right host or port?\n");
    assert_eq!(
        s.run("kubectl --kubeconfig /etc/kubernetes/admin.conf get pods")
            .stderr,
        "error: stat /etc/kubernetes/admin.conf: no such file or directory\n"
    );
    ok(&mut s, "ssh controlplane");
    assert_eq!(
        ok(
            &mut s,
            "kubectl --kubeconfig /etc/kubernetes/admin.conf get no controlplane -o name"
        ),
        "node/controlplane\n"
    );
}

#[test]
fn a_service_account_token_in_the_kubeconfig_acts_as_the_service_account() {
    let mut s = session();
    ok(&mut s, "kubectl create sa bot");
    ok(
        &mut s,
        "kubectl create clusterrolebinding bot --clusterrole=view --serviceaccount=default:bot",
    );
    ok(
        &mut s,
        "kubectl config set-credentials bot --token=$(kubectl create token bot)",
    );
    ok(
        &mut s,
        "kubectl config set-context bot --cluster=kubernetes --user=bot",
    );
    assert!(ok(&mut s, "kubectl --context bot auth whoami")
        .contains("system:serviceaccount:default:bot"));
    assert_eq!(s.run("kubectl --context bot get secrets").stderr, "Error from server (Forbidden): secrets is forbidden: User \"system:serviceaccount:default:bot\" cannot list resource \"secrets\" in API group \"\" in the namespace \"default\"\n");
    ok(&mut s, "kubectl delete sa bot");
    assert_eq!(
        s.run("kubectl --context bot get pods").stderr,
        "error: You must be logged in to the server (Unauthorized)\n"
    );
}

#[path = "common/oracle.rs"]
mod oracle;

/// The sandbox's kubectl and the real one (v1.32) print the same for the same kubeconfig file.
#[test]
fn config_view_and_load_errors_match_the_real_kubectl() {
    let mut s = session();
    john(&mut s);
    ok(&mut s, "kubectl config set-credentials john --client-certificate=/root/john.crt --client-key=/root/john.key --embed-certs");
    ok(&mut s, "kubectl config set-credentials tok --token=abc");
    ok(&mut s, "kubectl config set users.tok.username u");
    ok(&mut s, "kubectl config set-cluster other --server=https://10.1.1.1:6443 --certificate-authority=/etc/kubernetes/pki/ca.crt");
    ok(
        &mut s,
        "kubectl config set-context dev --cluster=other --user=john --namespace=007",
    );
    ok(&mut s, "kubectl config set-context empty");
    let Ok(dir) = tempfile::tempdir() else { return };
    let file = dir.path().join("config");
    let path = file.display().to_string();
    let text = ok(&mut s, "cat ~/.kube/config");
    if std::fs::write(&file, &text).is_err() {
        return;
    }
    ok(
        &mut s,
        &format!(
            "mkdir -p {} && cp ~/.kube/config {path}",
            dir.path().display()
        ),
    );
    for args in [
        vec!["config", "view"],
        vec!["config", "view", "--minify"],
        vec!["config", "view", "--raw"],
        vec!["config", "get-contexts"],
        vec!["config", "get-clusters"],
        vec!["config", "get-users"],
        vec!["config", "current-context"],
        vec!["config", "view", "-o", "jsonpath={.contexts[*].name}"],
    ] {
        let mut full = vec!["--kubeconfig", path.as_str()];
        full.extend(args.iter());
        let Some((want, want_err, _)) = oracle::run(&full) else {
            return;
        };
        let got = s.run(&format!("kubectl {}", oracle::quoted(&full)));
        // get-clusters and get-users walk a Go map: their order changes from run to run.
        let sorted = |t: &str| {
            let mut l: Vec<&str> = t.lines().collect();
            l.sort();
            l.join("\n")
        };
        if args[1].starts_with("get-") && args[1] != "get-contexts" {
            assert_eq!(sorted(&got.stdout), sorted(&want), "{args:?}");
            continue;
        }
        assert_eq!((got.stdout, got.stderr), (want, want_err), "{args:?}");
    }
    for bad in [
        "apiVersion: v1\nkind: Config\nclusters:\n- foo: [\n",
        "a:\n  b: 1\n c: 2\n",
        "hello world\n",
        "- 1\n",
        "clusters: 5\n",
        "contexts:\n- name: a\n  context:\n    namespace: 7\n",
        "users:\n- name: a\n  user:\n    client-key-data: '%%%'\n",
        "apiVersion: v2\nkind: Foo\n",
        "a: \"x\n",
    ] {
        if std::fs::write(&file, bad).is_err() {
            return;
        }
        ok(&mut s, &format!("cat > {path} <<'EOF'\n{bad}EOF"));
        let Some((_, want, _)) = oracle::run(&["--kubeconfig", &path, "config", "view"]) else {
            return;
        };
        let got = s.run(&format!("kubectl --kubeconfig {path} config view"));
        assert_eq!(got.stderr, want, "{bad}");
    }
}

#[test]
fn config_set_edits_one_field_by_its_path() {
    let mut s = session();
    assert_eq!(
        ok(
            &mut s,
            "kubectl config set contexts.kubernetes-admin@kubernetes.namespace kube-system"
        ),
        "Property \"contexts.kubernetes-admin@kubernetes.namespace\" set.\n"
    );
    assert!(ok(&mut s, "kubectl get pods").contains("etcd-controlplane"));
    ok(
        &mut s,
        "kubectl config set clusters.lab.server https://172.30.1.2:6443",
    );
    ok(&mut s, "kubectl config set contexts.lab.cluster lab");
    ok(
        &mut s,
        "kubectl config set contexts.lab.user kubernetes-admin",
    );
    ok(&mut s, "kubectl config set current-context lab");
    assert_eq!(
        ok(&mut s, "kubectl get ns default -o name"),
        "namespace/default\n"
    );
    assert_eq!(
        s.run("kubectl config set clusters.lab.insecure-skip-tls-verify maybe")
            .stderr,
        "error: strconv.ParseBool: parsing \"maybe\": invalid syntax\n"
    );
    assert_eq!(
        s.run("kubectl config set users.x.client-key-data %%")
            .stderr,
        "error: error decoding input value: illegal base64 data at input byte 0\n"
    );
    assert_eq!(
        s.run("kubectl config set foo bar").stderr,
        "error: unable to parse foo after [] at api.Config\n"
    );
    assert_eq!(
        s.run("kubectl --kubeconfig /tmp/new config set-context --current --namespace=x")
            .stderr,
        "error: no current context is set\n"
    );
    let out = s.run("kubectl config set contexts.lab");
    assert_eq!(
        (out.code, out.stderr.as_str()),
        (1, "error: Unexpected args: [contexts.lab]\n")
    );
    assert!(out
        .stdout
        .starts_with("Set an individual value in a kubeconfig file."));
}

/// A kubeconfig with the fields kubedojo does not act on: exec plugins, auth providers,
/// extensions, proxies, impersonation. (No plain `y`/`n`: go-yaml reads those as booleans.)
const RICH: &str = "apiVersion: v1
kind: Config
preferences:
  colors: true
extensions:
- name: top
  extension:
    foo: bar
clusters:
- name: c1
  cluster:
    server: https://172.30.1.2:6443
    certificate-authority: /etc/kubernetes/pki/ca.crt
    tls-server-name: kube.local
    proxy-url: http://proxy:3128
    disable-compression: true
    extensions:
    - name: client.authentication.k8s.io/exec
      extension:
        audience: foo
        nested: {a: 1, b: [x, z]}
contexts:
- name: ctx
  context:
    cluster: c1
    user: u-exec
    namespace: dev
    extensions:
    - name: ce
      extension: {k: v}
current-context: ctx
users:
- name: u-exec
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [eks, get-token, --cluster-name, x]
      env:
      - name: AWS_PROFILE
        value: dev
      provideClusterInfo: true
- name: u-ap
  user:
    auth-provider:
      name: oidc
      config:
        client-id: kube
        id-token: abc.def
    as: admin
    as-groups: [g1, g2]
    as-uid: \"1234\"
    as-user-extra:
      scopes: [a, b]
    tokenFile: /var/run/token
    client-certificate-data: aGk=
    token: t0k
    extensions:
    - name: ue
      extension: str
";

/// `kubectl config` rewrites a file with exec users, auth providers and extensions the way the
/// real kubectl does: every field client-go knows kept, in its order; `config view` redacts the
/// same fields.
#[test]
fn config_edits_keep_the_fields_kubedojo_does_not_model_like_the_real_kubectl() {
    let mut s = session();
    let Ok(dir) = tempfile::tempdir() else { return };
    let file = dir.path().join("config");
    let path = file.display().to_string();
    ok(&mut s, &format!("mkdir -p {}", dir.path().display()));
    for args in [
        vec!["config", "set-context", "ctx", "--namespace=prod"],
        vec!["config", "use-context", "ctx"],
        vec!["config", "set-credentials", "u-exec", "--token=abc"],
        vec!["config", "set-credentials", "u-ap", "--username=bob"],
        vec![
            "config",
            "set-cluster",
            "c1",
            "--server=https://10.0.0.1:6443",
        ],
        vec![
            "config",
            "set-cluster",
            "c1",
            "--proxy-url=",
            "--tls-server-name=k",
        ],
        vec!["config", "rename-context", "ctx", "other"],
        vec!["config", "view"],
        vec!["config", "view", "--raw"],
        vec!["config", "view", "-o", "json"],
        vec!["config", "view", "--minify"],
    ] {
        if std::fs::write(&file, RICH).is_err() {
            return;
        }
        let mut full = vec!["--kubeconfig", path.as_str()];
        full.extend(args.iter());
        let Some((want, want_err, _)) = oracle::run(&full) else {
            return;
        };
        let Ok(want_file) = std::fs::read_to_string(&file) else {
            return;
        };
        ok(&mut s, &format!("cat > {path} <<'EOF'\n{RICH}EOF"));
        let got = s.run(&format!("kubectl {}", oracle::quoted(&full)));
        assert_eq!((got.stdout, got.stderr), (want, want_err), "{args:?}");
        assert_eq!(ok(&mut s, &format!("cat {path}")), want_file, "{args:?}");
    }
}

/// `--as` is asked of the API server by the kubeconfig user: one without the `impersonate` verb
/// is refused for the user, each group and a service account (in its namespace); the kubeadm
/// admin may impersonate anyone; bad credentials stay Unauthorized.
#[test]
fn impersonation_is_authorized_for_the_kubeconfig_user() {
    let mut s = session();
    john(&mut s);
    ok(&mut s, "kubectl config set-credentials john --client-certificate=/root/john.crt --client-key=/root/john.key");
    ok(
        &mut s,
        "kubectl config set-context john-ctx --cluster=kubernetes --user=john",
    );
    let err = |s: &mut Session, line: &str| s.run(line).stderr;
    assert_eq!(
        err(&mut s, "kubectl --context john-ctx --as jane get pods"),
        "Error from server (Forbidden): users \"jane\" is forbidden: User \"john\" cannot impersonate resource \"users\" in API group \"\" at the cluster scope\n"
    );
    assert_eq!(
        err(&mut s, "kubectl --context john-ctx --as system:serviceaccount:dev:bot get pods"),
        "Error from server (Forbidden): serviceaccounts \"bot\" is forbidden: User \"john\" cannot impersonate resource \"serviceaccounts\" in API group \"\" in the namespace \"dev\"\n"
    );
    ok(&mut s, "cat <<EOF | kubectl apply -f -\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata:\n  name: imp\nrules:\n- apiGroups: [\"\"]\n  resources: [users]\n  verbs: [impersonate]\nEOF");
    ok(
        &mut s,
        "kubectl create clusterrolebinding imp --clusterrole=imp --user=john",
    );
    assert_eq!(
        err(&mut s, "kubectl --context john-ctx --as jane --as-group ops get pods"),
        "Error from server (Forbidden): groups \"ops\" is forbidden: User \"john\" cannot impersonate resource \"groups\" in API group \"\" at the cluster scope\n"
    );
    // Allowed to impersonate jane, the request is jane's.
    assert_eq!(
        err(&mut s, "kubectl --context john-ctx --as jane get pods"),
        "Error from server (Forbidden): pods is forbidden: User \"jane\" cannot list resource \"pods\" in API group \"\" in the namespace \"default\"\n"
    );
    // The admin may impersonate anyone.
    assert!(err(&mut s, "kubectl --as jane --as-group ops get pods")
        .contains("User \"jane\" cannot list"));
    ok(
        &mut s,
        "kubectl config set-credentials bad --token=nonsense",
    );
    ok(
        &mut s,
        "kubectl config set-context bad --cluster=kubernetes --user=bad",
    );
    assert_eq!(
        err(&mut s, "kubectl --context bad --as jane get pods"),
        "error: You must be logged in to the server (Unauthorized)\n"
    );
}
