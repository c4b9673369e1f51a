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
