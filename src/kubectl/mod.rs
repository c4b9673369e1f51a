//! The kubectl client: argv -> API calls on the World's current cluster -> printed output, with
//! kubectl's own messages. One module per verb family under `cmd/`; printers under `printers/`.

pub mod cmd;
pub mod custom;
pub mod describe;
pub mod errors;
pub mod flags;
pub mod printers;
pub mod resources;
pub mod tables;
pub mod tabwriter;

use crate::cluster::Cluster;
use crate::world::World;
use crate::Output;
use flags::{flag, rep, val, FlagSpec, Parsed};

/// Where a kubectl process runs: which host's file system relative paths (`-f pod.yaml`) resolve on,
/// the working directory, and its standard input (`-f -`).
#[derive(Debug, Clone, Copy)]
pub struct Invocation<'a> {
    pub host: &'a str,
    pub cwd: &'a str,
    pub stdin: &'a str,
    /// The `KUBECONFIG` environment variable, when set.
    pub kubeconfig_env: Option<&'a str>,
}

impl<'a> Invocation<'a> {
    /// Where this process looks for its kubeconfig, given its `--kubeconfig` flag.
    pub fn sources(&self, explicit: Option<&'a str>) -> crate::world::Sources<'a> {
        crate::world::Sources {
            host: self.host,
            cwd: self.cwd,
            explicit,
            env: self.kubeconfig_env,
        }
    }
}

/// Flags every command takes.
pub const GLOBAL: &[FlagSpec] = &[
    val("namespace", Some('n')),
    val("context", None),
    val("kubeconfig", None),
    val("cluster", None),
    val("user", None),
    val("v", Some('v')),
    val("request-timeout", None),
    val("as", None),
    rep("as-group", None),
    val("as-uid", None),
    flag("help", Some('h')),
];

/// One kubectl command being run: the World, where it runs, its parsed flags, and the resolved context.
pub struct Ctx<'a> {
    pub world: &'a mut World,
    pub inv: Invocation<'a>,
    /// The command path for messages (`kubectl create deployment`).
    pub path: String,
    pub flags: Parsed,
    pub cluster: String,
    /// The namespace from `-n`, else the context's, else `default`.
    pub namespace: String,
    /// Whether `-n` was given explicitly.
    pub explicit_namespace: bool,
    pub out: Output,
    /// How much of `out.stderr` was written before anything on stdout (warnings kubectl prints
    /// before its output), so a shell merging the two streams keeps the order they were written in.
    pub stderr_lead: usize,
    /// Errors held back to be printed together, as kubectl prints an aggregate (see [`Ctx::defer_errors`]).
    pub deferred: Option<Vec<String>>,
}

impl<'a> Ctx<'a> {
    pub fn cluster(&mut self) -> Option<&mut Cluster> {
        self.world.clusters.get_mut(&self.cluster)
    }

    pub fn cluster_ref(&self) -> Option<&Cluster> {
        self.world.clusters.get(&self.cluster)
    }

    pub fn print(&mut self, s: &str) {
        self.out.stdout.push_str(s);
    }

    pub fn println(&mut self, s: &str) {
        self.out.stdout.push_str(s);
        self.out.stdout.push('\n');
    }

    /// From here on, errors are collected rather than printed, until [`Ctx::flush_errors`].
    pub fn defer_errors(&mut self) {
        self.deferred.get_or_insert_with(Vec::new);
    }

    /// Prints the collected errors as kubectl prints an aggregate error: one alone as any error, several
    /// one per line without the `error: ` prefix.
    pub fn flush_errors(&mut self) {
        let Some(errors) = self.deferred.take() else {
            return;
        };
        if let [one] = errors.as_slice() {
            return self.error(one);
        }
        for e in errors {
            let e = e.strip_prefix("error: ").unwrap_or(&e);
            self.out.stderr.push_str(e);
            if !e.ends_with('\n') {
                self.out.stderr.push('\n');
            }
            self.out.code = 1;
        }
    }

    /// Writes an error line to stderr (kubectl's `error: ` prefix added when missing) and sets exit 1.
    pub fn error(&mut self, msg: &str) {
        if let Some(errors) = self.deferred.as_mut() {
            errors.push(msg.to_string());
            self.out.code = 1;
            return;
        }
        let line = if msg.starts_with("error: ")
            || msg.starts_with("Error from server")
            || msg.starts_with("The ")
        {
            msg.to_string()
        } else {
            format!("error: {msg}")
        };
        self.out.stderr.push_str(&line);
        if !line.ends_with('\n') {
            self.out.stderr.push('\n');
        }
        self.out.code = 1;
    }

    pub fn warn(&mut self, msg: &str) {
        self.out.stderr.push_str(msg);
        if !msg.ends_with('\n') {
            self.out.stderr.push('\n');
        }
        if self.out.stdout.is_empty() {
            self.stderr_lead = self.out.stderr.len();
        }
    }

    /// A usage error: `error: MSG\nSee 'kubectl X -h' for help and examples`.
    /// A command group run without a subcommand (`kubectl rollout`): kubectl prints the group's help
    /// on stderr and exits 1.
    pub fn group_help(&mut self, path: &str) {
        let text = cmd::help::for_command(path);
        self.out.stderr.push_str(&text);
        self.out.code = 1;
    }

    pub fn usage_error(&mut self, msg: &str) {
        let path = self.path.clone();
        self.error(&format!("{msg}\nSee '{path} -h' for help and examples"));
    }

    /// Reads a file argument (`-f`) from the host's file system, or stdin for `-`.
    pub fn read_file(&self, path: &str) -> Result<String, String> {
        if path == "-" {
            return Ok(self.inv.stdin.to_string());
        }
        let full = crate::vfs::normalize(self.inv.cwd, path);
        let host = self
            .world
            .hosts
            .get(self.inv.host)
            .ok_or_else(|| format!("the path \"{path}\" does not exist"))?;
        match host.fs.read(&full) {
            Ok(s) => Ok(s.to_string()),
            Err(crate::vfs::VfsError::NotFound) => {
                Err(format!("the path \"{path}\" does not exist"))
            }
            Err(e) => Err(format!("error reading {path}: {e}")),
        }
    }
}

impl Ctx<'_> {
    /// The data of one `--from-file` source of `create configmap|secret`: `path`, `key=path`, or a
    /// directory (each regular file directly inside it, keyed by its name, as kubectl does).
    pub fn file_sources(&self, spec: &str) -> Result<Vec<(String, String)>, String> {
        let (key, path) = match spec.split_once('=') {
            Some((k, p)) => (Some(k.to_string()), p.to_string()),
            None => (None, spec.to_string()),
        };
        let full = crate::vfs::normalize(self.inv.cwd, &path);
        let missing = || format!("error reading {path}: no such file or directory");
        let Some(host) = self.world.hosts.get(self.inv.host) else {
            return Err(missing());
        };
        if host.fs.is_dir(&full) {
            if key.is_some() {
                return Err("cannot give a key name for a directory path".into());
            }
            let names = host.fs.list(&full).map_err(|_| missing())?;
            let mut out = Vec::new();
            for n in names {
                let f = if full == "/" {
                    format!("/{n}")
                } else {
                    format!("{full}/{n}")
                };
                if let Ok(text) = host.fs.read(&f) {
                    out.push((n, text.to_string()));
                }
            }
            return Ok(out);
        }
        let text = host.fs.read(&full).map_err(|_| missing())?;
        let key = key.unwrap_or_else(|| path.rsplit('/').next().unwrap_or(&path).to_string());
        Ok(vec![(key, text.to_string())])
    }
}

/// Finds the verb: the first argument that is neither a flag nor a global flag's value.
fn split_verb(args: &[String]) -> (Option<String>, Vec<String>) {
    let mut rest = Vec::with_capacity(args.len());
    let mut verb = None;
    let mut i = 0;
    while i < args.len() {
        let a = &args[i];
        if verb.is_none() && !a.starts_with('-') {
            verb = Some(a.clone());
            i += 1;
            continue;
        }
        if verb.is_none()
            && matches!(
                a.as_str(),
                "-n" | "--namespace"
                    | "--context"
                    | "--kubeconfig"
                    | "--cluster"
                    | "--user"
                    | "-v"
                    | "--as"
                    | "--as-group"
                    | "--as-uid"
            )
        {
            rest.push(a.clone());
            if let Some(v) = args.get(i + 1) {
                rest.push(v.clone());
            }
            i += 2;
            continue;
        }
        rest.push(a.clone());
        i += 1;
    }
    (verb, rest)
}

/// The verb of `kubectl ARGS...` and the arguments around it (`kubectl -n x edit po a` -> `edit`,
/// `[-n, x, po, a]`).
pub fn verb_of(args: &[String]) -> (Option<String>, Vec<String>) {
    split_verb(args)
}

/// Runs `kubectl ARGS...` (without the leading `kubectl`) against the World.
pub fn run(world: &mut World, args: &[String], inv: Invocation<'_>) -> Output {
    let (verb, rest) = split_verb(args);
    let Some(verb) = verb else {
        if args.iter().any(|a| a == "-h" || a == "--help") || args.is_empty() {
            return Output::ok(cmd::help::ROOT);
        }
        if args.iter().any(|a| a == "--version") {
            return Output::err(
                "error: unknown flag: --version\nSee 'kubectl --help' for usage.\n",
                1,
            );
        }
        return Output::ok(cmd::help::ROOT);
    };
    cmd::dispatch(world, &verb, &rest, inv)
}

/// The user name the API server sees for a user of the learner's default kubeconfig whose files
/// are on `host`; Err says why its credentials do not authenticate (kubectl's message).
pub fn user_identity(world: &World, user: &str, host: &str) -> Result<String, String> {
    let kc = world.home_kubeconfig();
    let Some(u) = kc.user(user) else {
        return Err(format!("user {user} has no credentials in the kubeconfig"));
    };
    let inv = Invocation {
        host,
        cwd: "/root",
        stdin: "",
        kubeconfig_env: None,
    };
    let cluster = world.current_cluster_name();
    identify(world, u, &inv, cluster.as_deref())
        .map(|i| i.name)
        .map_err(|o| o.stderr.trim_end().to_string())
}

const UNAUTHORIZED: &str = "error: You must be logged in to the server (Unauthorized)\n";

/// Who the API server sees for a kubeconfig user: the CN and O of its client certificate (read from
/// the file or the embedded data), the service account of its token, or anonymous without
/// credentials. Errors are kubectl's.
fn identify(
    world: &World,
    u: &crate::world::AuthInfo,
    inv: &Invocation<'_>,
    cluster: Option<&str>,
) -> Result<crate::cluster::rbac::UserInfo, Output> {
    use crate::cluster::rbac::UserInfo;
    let read = |path: &str, what: &str| -> Result<String, Output> {
        world
            .hosts
            .get(inv.host)
            .and_then(|h| h.fs.read(&crate::vfs::normalize(inv.cwd, path)).ok())
            .map(String::from)
            .ok_or_else(|| {
                Output::err(
                    format!("error: unable to read {what} {path} for {} due to open {path}: no such file or directory\n", u.name),
                    1,
                )
            })
    };
    let anonymous =
        || UserInfo::impersonated("system:anonymous", &["system:unauthenticated".into()]);
    if !u.token.is_empty() {
        return token_identity(world, cluster, &u.token)
            .ok_or_else(|| Output::err(UNAUTHORIZED, 1));
    }
    let cert = if !u.client_certificate_data.is_empty() {
        u.client_certificate_data.clone()
    } else if !u.client_certificate.is_empty() {
        read(&u.client_certificate, "client-cert")?
    } else if !u.username.is_empty() {
        // The API server has no basic authentication.
        return Err(Output::err(UNAUTHORIZED, 1));
    } else {
        return Ok(anonymous());
    };
    let key = if !u.client_key_data.is_empty() {
        u.client_key_data.clone()
    } else if !u.client_key.is_empty() {
        read(&u.client_key, "client-key")?
    } else {
        return Err(Output::err(
            "error: tls: failed to find any PEM data in key input\n",
            1,
        ));
    };
    let Some(cert) = crate::pki::parse(&cert).filter(|p| p.kind == crate::pki::Kind::Cert) else {
        return Err(Output::err(
            "error: tls: failed to find any PEM data in certificate input\n",
            1,
        ));
    };
    let Some(key) = crate::pki::parse(&key).filter(|p| p.kind == crate::pki::Kind::Key) else {
        return Err(Output::err(
            "error: tls: failed to find any PEM data in key input\n",
            1,
        ));
    };
    if key.get("id") != cert.get("key") {
        return Err(Output::err(
            "error: tls: private key does not match public key\n",
            1,
        ));
    }
    let expired = cert.not_after().is_some_and(|t| t < world.now());
    if cert.get("issuer") != "/CN=kubernetes" || expired {
        return Err(Output::err(UNAUTHORIZED, 1));
    }
    Ok(UserInfo::impersonated(
        &cert.common_name(),
        &cert.organizations(),
    ))
}

/// The service account a bearer token (as `kubectl create token` issues it) authenticates as:
/// signed by this World, not expired, and for a service account that still exists.
fn token_identity(
    world: &World,
    cluster: Option<&str>,
    token: &str,
) -> Option<crate::cluster::rbac::UserInfo> {
    use base64::Engine;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut parts = token.split('.');
    let (_, payload, sig) = (parts.next()?, parts.next()?, parts.next()?);
    let claims: serde_json::Value =
        serde_json::from_slice(&b64.decode(payload.as_bytes()).ok()?).ok()?;
    let sub = claims.get("sub")?.as_str()?;
    let (ns, sa) = crate::cluster::rbac::service_account_of(sub)?;
    let iat = claims.get("iat")?.as_i64()?;
    let exp = claims.get("exp")?.as_i64()?;
    if b64.encode(format!("{ns}/{sa}/{iat}")) != sig || exp < world.now().timestamp() {
        return None;
    }
    let c = world.clusters.get(cluster?)?;
    c.peek("serviceaccounts", ns, sa)?;
    Some(crate::cluster::rbac::UserInfo::impersonated(sub, &[]))
}

/// The CA certificates a kubeconfig cluster entry trusts (its `certificate-authority-data`, else
/// its `certificate-authority` file), or `None` when it checks nothing (`insecure-skip-tls-verify`,
/// or no CA given: kubedojo then trusts the World's CA as if it were a system root). Errors are
/// client-go's for a file it cannot read or data without a PEM block.
fn trusted_cas(
    world: &World,
    entry: &crate::world::ClusterEntry,
    inv: &Invocation<'_>,
) -> Result<Option<Vec<Option<crate::pki::Pem>>>, Output> {
    if entry.insecure_skip_tls_verify {
        return Ok(None);
    }
    let text = if !entry.certificate_authority_data.is_empty() {
        entry.certificate_authority_data.clone()
    } else if !entry.certificate_authority.is_empty() {
        let path = &entry.certificate_authority;
        match world
            .hosts
            .get(inv.host)
            .and_then(|h| h.fs.read(&crate::vfs::normalize(inv.cwd, path)).ok())
        {
            Some(t) => t.to_string(),
            None => {
                return Err(Output::err(
                    format!("error: unable to read certificate-authority {path} for {} due to open {path}: no such file or directory\n", entry.name),
                    1,
                ))
            }
        }
    } else {
        return Ok(None);
    };
    if !text.contains("-----BEGIN ") {
        return Err(Output::err(
            "error: unable to load root certificates: unable to parse bytes as PEM block\n",
            1,
        ));
    }
    // A bundle may hold several certificates; each block is tried.
    Ok(Some(
        text.split("-----BEGIN ")
            .skip(1)
            .map(|b| crate::pki::parse(&format!("-----BEGIN {b}")))
            .filter(|p| p.as_ref().is_none_or(|p| p.kind == crate::pki::Kind::Cert))
            .collect(),
    ))
}

/// The CA that signed the API server certificate of a World cluster: its control plane's
/// `/etc/kubernetes/pki/ca.crt`.
fn world_ca(world: &World, cluster: &str) -> Option<crate::pki::Pem> {
    world
        .hosts
        .values()
        .filter(|h| h.cluster == cluster)
        .find_map(|h| h.fs.read("/etc/kubernetes/pki/ca.crt").ok())
        .and_then(crate::pki::parse)
}

/// Builds a Ctx once the command's flags parsed; `None` (with the error in `out`) when they did not.
pub fn context<'a>(
    world: &'a mut World,
    inv: Invocation<'a>,
    path: &str,
    argv: &[String],
    specs: &[FlagSpec],
) -> Result<Ctx<'a>, Output> {
    let mut all: Vec<FlagSpec> = specs.to_vec();
    all.extend_from_slice(GLOBAL);
    let parsed = flags::parse(argv, &all)
        .map_err(|e| Output::err(format!("error: {e}\nSee '{path} --help' for usage.\n"), 1))?;
    // A generator that kubectl runs without the server (`create deployment --dry-run=client`)
    // works while the API server is down, as the real one does.
    let offline = path.starts_with("kubectl create ") && cmd::offline_generator(argv);
    let loaded = world
        .load_kubeconfig(&inv.sources(parsed.get("kubeconfig")), true)
        .map_err(|e| Output::err(format!("{e}\n"), 1))?;
    let kc = &loaded.merged;
    let ctx_name = parsed
        .get("context")
        .map(String::from)
        .unwrap_or_else(|| kc.current.clone());
    let mut context = match kc.context(&ctx_name) {
        Some(c) => c.clone(),
        None if ctx_name.is_empty() => crate::world::Context::default(),
        None => {
            return Err(Output::err(
                format!(
                "Error in configuration: context was not found for specified context: {ctx_name}\n"
            ),
                1,
            ))
        }
    };
    // `--user` and `--cluster` are the command's own flags for some verbs (`create rolebinding
    // --user`); elsewhere they pick the kubeconfig entry.
    let own = |name: &str| specs.iter().any(|s| s.long == name);
    if let Some(c) = parsed.get("cluster").filter(|_| !own("cluster")) {
        if kc.cluster(c).is_none() {
            return Err(Output::err(
                format!("error: no server found for cluster \"{c}\"\n"),
                1,
            ));
        }
        context.cluster = c.to_string();
    }
    if let Some(u) = parsed.get("user").filter(|_| !own("user")) {
        if kc.user(u).is_none() {
            return Err(Output::err(
                format!("error: auth info \"{u}\" does not exist\n"),
                1,
            ));
        }
        context.user = u.to_string();
    }
    let server = kc
        .cluster(&context.cluster)
        .map(|c| c.server.clone())
        .unwrap_or_default();
    let auth = kc
        .user(&context.user)
        .cloned()
        .unwrap_or_else(|| crate::world::AuthInfo {
            name: context.user.clone(),
            ..Default::default()
        });
    // client-go loads the CA to trust before it dials.
    let trusted = match kc.cluster(&context.cluster).filter(|_| !offline) {
        Some(entry) => trusted_cas(world, entry, &inv)?,
        None => None,
    };
    let cluster = match world.cluster_for_server(&server, inv.host) {
        Ok(name) => name,
        // A client-side generator never connects.
        Err(_) if offline => String::new(),
        Err(msg) => return Err(Output::err(format!("{msg}\n"), 1)),
    };
    if let Some(cas) = trusted {
        let unknown = world_ca(world, &cluster).is_some_and(|ca| !cas.contains(&Some(ca)));
        if unknown {
            return Err(Output::err("Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by unknown authority\n", 1));
        }
    }
    if let Some(c) = world.clusters.get(&cluster).filter(|_| !offline) {
        if !c.component_up("kube-apiserver") || !c.component_up("etcd") {
            let addr = c.server_address();
            return Err(Output::err(format!("The connection to the server {addr} was refused - did you specify the right host or port?\n"), 1));
        }
    }
    // Impersonation (`--as`, `--as-group`) lasts one command: every request of it is authorized
    // as that identity.
    for c in world.clusters.values_mut() {
        c.requester = None;
    }
    let as_user = parsed.get("as").unwrap_or("").to_string();
    let as_groups = parsed.all("as-group");
    if as_user.is_empty() && (!as_groups.is_empty() || parsed.get("as-uid").is_some()) {
        return Err(Output::err(
            "error: requesting uid, groups or user-extra for  without impersonating a user\n",
            1,
        ));
    }
    if as_user.is_empty() && !offline {
        // A user with a client certificate is the certificate's CN (groups: its O values); the
        // admin of a kubeadm cluster (kubeadm:cluster-admins) may do anything.
        let id = identify(world, &auth, &inv, Some(&cluster))?;
        if let Some(c) = world.clusters.get_mut(&cluster) {
            c.requester = Some(id).filter(|id| *id != crate::cluster::rbac::UserInfo::admin());
        }
    }
    if !as_user.is_empty() && !offline {
        // The API server authenticates the kubeconfig user first, then asks whether that user
        // may impersonate the identity (`impersonate` on users, service accounts, groups).
        let id = identify(world, &auth, &inv, Some(&cluster))?;
        if let Some(c) = world.clusters.get(&cluster) {
            use crate::cluster::rbac::{check, service_account_of, Attributes};
            let ask = |resource: &str, namespace: &str, name: &str| Attributes {
                verb: "impersonate".into(),
                resource: resource.into(),
                namespace: namespace.into(),
                name: name.into(),
                ..Default::default()
            };
            let mut asks = vec![match service_account_of(&as_user) {
                Some((ns, sa)) => ask("serviceaccounts", ns, sa),
                None => ask("users", "", &as_user),
            }];
            asks.extend(as_groups.iter().map(|g| ask("groups", "", g)));
            for a in &asks {
                if let Err(e) = check(c, &id, a) {
                    return Err(Output::err(
                        format!("{}\n", crate::kubectl::errors::api_error(&e)),
                        1,
                    ));
                }
            }
        }
    }
    if !as_user.is_empty() {
        if let Some(c) = world.clusters.get_mut(&cluster) {
            c.requester = Some(crate::cluster::rbac::UserInfo::impersonated(
                &as_user, &as_groups,
            ));
        }
    }
    let explicit = parsed.get("namespace").is_some();
    let namespace = parsed
        .get("namespace")
        .map(String::from)
        .unwrap_or_else(|| context.namespace.clone());
    let namespace = if namespace.is_empty() {
        "default".to_string()
    } else {
        namespace
    };
    let record = parsed.has("record");
    let notice = "Flag --record has been deprecated, --record will be removed in the future\n";
    Ok(Ctx {
        stderr_lead: if record { notice.len() } else { 0 },
        deferred: None,
        world,
        inv,
        path: path.to_string(),
        flags: parsed,
        cluster,
        namespace,
        explicit_namespace: explicit,
        // pflag prints a deprecated flag's notice whenever it is used.
        out: if record {
            Output {
                stderr: notice.into(),
                ..Output::default()
            }
        } else {
            Output::default()
        },
    })
}
