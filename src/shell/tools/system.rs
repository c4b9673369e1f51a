//! The host's systemd and processes: `systemctl` over the World's services (a stopped kubelet stops the
//! node's static pods, as on a real node), a minimal `journalctl`, `ps`, and `df`, `free`, `uptime`.

use crate::shell::exec::{Env, Io};
use crate::world::Service;
use crate::Output;

fn unit(name: &str) -> String {
    name.strip_suffix(".service").unwrap_or(name).to_string()
}

fn description(unit: &str) -> &'static str {
    match unit {
        "kubelet" => "kubelet: The Kubernetes Node Agent",
        "containerd" => "containerd container runtime",
        _ => "",
    }
}

fn status_text(env: &Env, name: &str, s: &Service) -> String {
    let now = env.world.now();
    let since = now.format("%a %Y-%m-%d %H:%M:%S UTC");
    let enabled = if s.enabled { "enabled" } else { "disabled" };
    let host = env.world.hosts.get(&env.sh.host);
    let failing = host
        .filter(|_| name == "kubelet" && s.active)
        .and_then(|h| h.kubelet_error.as_ref());
    let dot = if s.active && failing.is_none() {
        "●"
    } else {
        "○"
    };
    let active = match (s.active, failing) {
        // systemd waits RestartSec=10s between attempts: within the last 10 seconds, then.
        (true, Some(_)) => format!(
            "activating (auto-restart) (Result: exit-code) since {}; {}s ago",
            (now - chrono::Duration::seconds(i64::from(now.timestamp_subsec_millis() % 9) + 1))
                .format("%a %Y-%m-%d %H:%M:%S UTC"),
            now.timestamp_subsec_millis() % 9 + 1
        ),
        (true, None) => format!("active (running) since {since}"),
        (false, _) => format!("inactive (dead) since {since}"),
    };
    let loaded = host
        .filter(|_| name == "kubelet")
        .map(|h| h.loaded_units.as_slice())
        .unwrap_or_default();
    // Ubuntu's systemd names the package's unit by its /lib path.
    let fragment = loaded
        .first()
        .map(|(p, _)| p.as_str())
        .filter(|p| !p.ends_with(".conf") && !p.starts_with("/usr/lib/"))
        .map_or_else(
            || format!("/lib/systemd/system/{name}.service"),
            String::from,
        );
    let mut text = format!(
        "{dot} {name}.service - {}\n     Loaded: loaded ({fragment}; {enabled}; vendor preset: enabled)\n",
        description(name)
    );
    text.push_str(&drop_in_lines(loaded));
    text.push_str(&format!(
        "     Active: {active}\n       Docs: https://kubernetes.io/docs/\n"
    ));
    if let (Some(err), Some(h)) = (failing, host) {
        let argv = crate::world::kubelet_start::command_line(&h.loaded_units, &h.fs);
        let exec = match err {
            crate::world::kubelet_start::StartError::Exec { binary } => binary.clone(),
            _ => argv.join(" "),
        };
        let status = err.status();
        text.push_str(&format!(
            "    Process: 2345 ExecStart={exec} (code=exited, status={status})\n   Main PID: 2345 (code=exited, status={status})\n"
        ));
    }
    text
}

/// The `Drop-In:` lines of `systemctl status`: each folder of the loaded drop-ins, with its files.
fn drop_in_lines(loaded: &[(String, String)]) -> String {
    let drop_ins: Vec<(&str, &str)> = loaded
        .iter()
        .filter(|(p, _)| p.ends_with(".conf"))
        .filter_map(|(p, _)| p.rsplit_once('/'))
        .collect();
    let mut text = String::new();
    for (i, (dir, file)) in drop_ins.iter().enumerate() {
        if i == 0 || drop_ins[i - 1].0 != *dir {
            let label = if i == 0 {
                "    Drop-In: "
            } else {
                "             "
            };
            text.push_str(&format!("{label}{dir}\n"));
        }
        let last = drop_ins.get(i + 1).is_none_or(|(d, _)| d != dir);
        let glyph = if last { "└─" } else { "├─" };
        text.push_str(&format!("             {glyph}{file}\n"));
    }
    text
}

/// `systemctl status|start|stop|restart|enable|disable|is-active|is-enabled|daemon-reload [UNIT]...`
pub fn systemctl(env: &mut Env, args: &[String], _io: &Io) -> Output {
    let now = args.iter().any(|a| a == "--now");
    let words: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let Some((verb, units)) = words.split_first() else {
        return Output::ok("  UNIT                 LOAD   ACTIVE SUB     DESCRIPTION\n  containerd.service   loaded active running containerd container runtime\n  kubelet.service      loaded active running kubelet: The Kubernetes Node Agent\n");
    };
    if verb.as_str() == "daemon-reload" {
        let host = env.sh.host.clone();
        if let Some(h) = env.world.hosts.get_mut(&host) {
            h.daemon_reload();
        }
        return Output::default();
    }
    if matches!(verb.as_str(), "list-units" | "list-unit-files") {
        return Output::default();
    }
    if units.is_empty() {
        return Output::err("Too few arguments.\n", 1);
    }
    let host = env.sh.host.clone();
    let mut out = Output::default();
    for u in units {
        let name = unit(u);
        let Some(svc) = env
            .world
            .hosts
            .get(&host)
            .and_then(|h| h.services.get(&name))
            .cloned()
        else {
            let msg = match verb.as_str() {
                "status" => format!("Unit {name}.service could not be found.\n"),
                "is-active" => {
                    out.stdout.push_str("inactive\n");
                    String::new()
                }
                _ => format!("Failed to {verb} {name}.service: Unit {name}.service not found.\n"),
            };
            out.stderr.push_str(&msg);
            out.code = if verb.as_str() == "status" {
                4
            } else if verb.as_str() == "is-active" {
                3
            } else {
                5
            };
            continue;
        };
        let mut next = svc.clone();
        match verb.as_str() {
            "status" => {
                out.stdout.push_str(&status_text(env, &name, &svc));
                if name == "kubelet" {
                    warn_units_changed(env, &host, &mut out);
                }
                let failing = name == "kubelet"
                    && env
                        .world
                        .hosts
                        .get(&host)
                        .is_some_and(|h| h.kubelet_error.is_some());
                if !svc.active || failing {
                    out.code = 3;
                }
            }
            "is-active" => {
                let failing = name == "kubelet"
                    && env
                        .world
                        .hosts
                        .get(&host)
                        .is_some_and(|h| h.kubelet_error.is_some());
                out.stdout.push_str(match (svc.active, failing) {
                    (true, false) => "active\n",
                    (true, true) => "activating\n",
                    (false, _) => "inactive\n",
                });
                if !svc.active || failing {
                    out.code = 3;
                }
            }
            "is-enabled" => {
                out.stdout.push_str(if svc.enabled {
                    "enabled\n"
                } else {
                    "disabled\n"
                });
                if !svc.enabled {
                    out.code = 1;
                }
            }
            "start" | "restart" | "reload" | "try-restart" => {
                next.active = true;
                if name == "kubelet" {
                    restart_kubelet(
                        env,
                        &host,
                        &mut out,
                        verb.as_str() != "start" || !svc.active,
                    );
                }
            }
            "stop" => {
                next.active = false;
                if name == "kubelet" {
                    warn_units_changed(env, &host, &mut out);
                }
            }
            "enable" => {
                next.enabled = true;
                next.active |= now;
                out.stderr.push_str(&format!("Created symlink /etc/systemd/system/multi-user.target.wants/{name}.service → /lib/systemd/system/{name}.service.\n"));
            }
            "disable" => {
                next.enabled = false;
                next.active &= !now;
                out.stderr.push_str(&format!(
                    "Removed /etc/systemd/system/multi-user.target.wants/{name}.service.\n"
                ));
            }
            other => return Output::err(format!("Unknown command verb {other}.\n"), 1),
        }
        let kubelet_start = name == "kubelet"
            && next.active
            && (!svc.active || matches!(verb.as_str(), "restart" | "try-restart"));
        if kubelet_start {
            if let Some(h) = env.world.hosts.get_mut(&host) {
                h.start_kubelet();
            }
        }
        if next != svc || kubelet_start {
            if let Some(s) = env
                .world
                .hosts
                .get_mut(&host)
                .and_then(|h| h.services.get_mut(&name))
            {
                *s = next;
            }
            env.world.settle();
        }
    }
    out
}

/// systemctl's warning when kubelet.service's unit files changed on disk (a hand edit of the
/// unit or a drop-in, or a package upgrade) since systemd loaded them.
fn warn_units_changed(env: &Env, host: &str, out: &mut Output) {
    if env.world.hosts.get(host).is_some_and(|h| h.units_changed()) {
        out.stderr.push_str("Warning: The unit file, source configuration file or drop-ins of kubelet.service changed on disk. Run 'systemctl daemon-reload' to reload units.\n");
    }
}

/// A (re)started kubelet runs the binary its package installed, with the unit definition systemd
/// has loaded; systemd warns when the unit files changed on disk without a `daemon-reload`.
fn restart_kubelet(env: &mut Env, host: &str, out: &mut Output, restarts: bool) {
    warn_units_changed(env, host, out);
    let Some(h) = env.world.hosts.get_mut(host) else {
        return;
    };
    if !restarts {
        return;
    }
    if let Some(v) = h.packages.release_of("kubelet") {
        if v != h.packages.kubelet_running {
            h.packages.kubelet_running = v;
            env.world.settle();
        }
    }
}

/// `kubelet --version`: the installed kubelet binary.
pub fn kubelet(env: &mut Env, args: &[String], _io: &Io) -> Output {
    let v = env
        .world
        .hosts
        .get(&env.sh.host)
        .and_then(|h| h.packages.release_of("kubelet"))
        .unwrap_or_else(|| crate::world::CLUSTER_RELEASE.to_string());
    if args.iter().any(|a| a == "--version" || a == "version") {
        return Output::ok(format!("Kubernetes v{v}\n"));
    }
    Output::err("E0314 09:00:00.000000    4321 run.go:72] \"command failed\" err=\"failed to run Kubelet: the kubelet is already running as a systemd service (kubelet.service); start it with 'systemctl start kubelet'\"\n", 1)
}

/// `journalctl [-u UNIT]`: the unit's start and stop events.
pub fn journalctl(env: &mut Env, args: &[String], _io: &Io) -> Output {
    let mut it = args.iter();
    let mut unit_name = None;
    while let Some(a) = it.next() {
        if a == "-u" || a == "--unit" {
            unit_name = it.next().map(|u| unit(u));
        } else if let Some(u) = a
            .strip_prefix("--unit=")
            .or_else(|| a.strip_prefix("-u").filter(|u| !u.is_empty()))
        {
            unit_name = Some(unit(u));
        }
    }
    let host = env.sh.host.clone();
    let Some(name) = unit_name else {
        return Output::ok("-- No entries --\n");
    };
    let Some(svc) = env
        .world
        .hosts
        .get(&host)
        .and_then(|h| h.services.get(&name))
        .cloned()
    else {
        return Output::ok("-- No entries --\n");
    };
    let when = env.world.now().format("%b %d %H:%M:%S");
    let mut text = format!(
        "{when} {host} systemd[1]: Started {name}.service - {}.\n",
        description(&name)
    );
    let failing = env
        .world
        .hosts
        .get(&host)
        .filter(|_| name == "kubelet" && svc.active)
        .and_then(|h| h.kubelet_error.clone());
    if let Some(err) = failing {
        // Each attempt systemd makes ends the same way, ten seconds apart.
        let now = env.world.now();
        for i in (0..3).rev() {
            let t = now - chrono::Duration::seconds(10 * i + 2);
            let when = t.format("%b %d %H:%M:%S");
            let klog = t.format("%m%d %H:%M:%S%.6f");
            let pid = 2345 - 17 * i;
            match &err {
                crate::world::kubelet_start::StartError::Exec { binary } => {
                    text.push_str(&format!("{when} {host} (kubelet)[{pid}]: kubelet.service: Failed to locate executable {binary}: No such file or directory\n"));
                    text.push_str(&format!("{when} {host} (kubelet)[{pid}]: kubelet.service: Failed at step EXEC spawning {binary}: No such file or directory\n"));
                    text.push_str(&format!("{when} {host} systemd[1]: kubelet.service: Main process exited, code=exited, status=203/EXEC\n"));
                }
                crate::world::kubelet_start::StartError::Exit { err } => {
                    text.push_str(&format!("{when} {host} kubelet[{pid}]: E{klog}    {pid} run.go:72] \"command failed\" err=\"{err}\"\n"));
                    text.push_str(&format!("{when} {host} systemd[1]: kubelet.service: Main process exited, code=exited, status=1/FAILURE\n"));
                }
            }
            text.push_str(&format!(
                "{when} {host} systemd[1]: kubelet.service: Failed with result 'exit-code'.\n"
            ));
            if i > 0 {
                let next = (t + chrono::Duration::seconds(10)).format("%b %d %H:%M:%S");
                text.push_str(&format!("{next} {host} systemd[1]: kubelet.service: Scheduled restart job, restart counter is at {}.\n", 40 - i));
                text.push_str(&format!(
                    "{next} {host} systemd[1]: Started {name}.service - {}.\n",
                    description(&name)
                ));
            }
        }
        return Output::ok(text);
    }
    if !svc.active {
        text.push_str(&format!(
            "{when} {host} systemd[1]: Stopping {name}.service - {}...\n",
            description(&name)
        ));
        text.push_str(&format!(
            "{when} {host} systemd[1]: {name}.service: Deactivated successfully.\n"
        ));
        text.push_str(&format!(
            "{when} {host} systemd[1]: Stopped {name}.service - {}.\n",
            description(&name)
        ));
    }
    Output::ok(text)
}

/// The node's processes: init, containerd, the kubelet, kube-proxy and the static pods' containers,
/// with the command lines their manifests give (what `ps aux | grep kube-apiserver` shows on a node).
fn processes(env: &mut Env) -> Vec<(u32, String)> {
    let host = env.sh.host.clone();
    let services = env
        .world
        .hosts
        .get(&host)
        .map(|h| h.services.clone())
        .unwrap_or_default();
    let up = |s: &str| services.get(s).is_some_and(|s| s.active);
    let mut procs = vec![(1, "/sbin/init".to_string())];
    if up("containerd") {
        procs.push((612, "/usr/bin/containerd".into()));
    }
    if up("kubelet") {
        procs.push((
            733,
            "/usr/bin/kubelet --bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf --config=/var/lib/kubelet/config.yaml --container-runtime-endpoint=unix:///var/run/containerd/containerd.sock --pod-infra-container-image=registry.k8s.io/pause:3.10".into(),
        ));
        let dir = "/etc/kubernetes/manifests";
        let fs = env.fs();
        let mut pid = 1100;
        for name in fs.list(dir).unwrap_or_default() {
            let Ok(text) = fs.read(&format!("{dir}/{name}")) else {
                continue;
            };
            let Ok(doc) = serde_yaml::from_str::<serde_yaml::Value>(text) else {
                continue;
            };
            let containers = doc
                .get("spec")
                .and_then(|s| s.get("containers"))
                .and_then(|c| c.as_sequence())
                .cloned()
                .unwrap_or_default();
            for c in containers {
                let words = |key: &str| -> Vec<String> {
                    c.get(key)
                        .and_then(|v| v.as_sequence())
                        .map(|s| {
                            s.iter()
                                .filter_map(|x| x.as_str().map(String::from))
                                .collect()
                        })
                        .unwrap_or_default()
                };
                let mut argv = words("command");
                argv.extend(words("args"));
                if !argv.is_empty() {
                    pid += 37;
                    procs.push((pid, argv.join(" ")));
                }
            }
        }
        procs.push((2210, format!("/usr/local/bin/kube-proxy --config=/var/lib/kube-proxy/config.conf --hostname-override={host}")));
    }
    procs
}

/// `ps [aux | -ef]`
pub fn ps(env: &mut Env, args: &[String], _io: &Io) -> Output {
    let all = args
        .iter()
        .any(|a| a.contains('e') || a.contains('a') || a.contains('x') || a.contains('A'));
    let full = args.iter().any(|a| a.contains('f'));
    let bsd = args.iter().any(|a| !a.starts_with('-') && a.contains('u'));
    let mut out = String::new();
    if !all {
        out.push_str("    PID TTY          TIME CMD\n   4242 pts/0    00:00:00 bash\n   4300 pts/0    00:00:00 ps\n");
        return Output::ok(out);
    }
    let start = env.world.now().format("%H:%M").to_string();
    let mut procs = processes(env);
    procs.push((4242, "-bash".into()));
    procs.push((4300, format!("ps {}", args.join(" "))));
    if bsd {
        out.push_str(
            "USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n",
        );
        for (pid, cmd) in &procs {
            let tty = if *pid >= 4242 { "pts/0" } else { "?" };
            out.push_str(&format!(
                "root     {pid:>7}  0.5  1.2 1234560 98304 {tty:<8} Ssl  {start}   0:05 {cmd}\n"
            ));
        }
    } else if full || all {
        out.push_str("UID          PID    PPID  C STIME TTY          TIME CMD\n");
        for (pid, cmd) in &procs {
            let tty = if *pid >= 4242 { "pts/0" } else { "?" };
            let ppid = if *pid == 1 { 0 } else { 1 };
            out.push_str(&format!(
                "root     {pid:>7} {ppid:>7}  0 {start} {tty:<8} 00:00:05 {cmd}\n"
            ));
        }
    }
    Output::ok(out)
}

/// `df [-h]`: the node's file systems (fixed sizes; the virtual file system has no capacity).
pub fn df(_env: &mut Env, args: &[String], _io: &Io) -> Output {
    let human = args.iter().any(|a| a.starts_with('-') && a.contains('h'));
    let text = if human {
        "Filesystem      Size  Used Avail Use% Mounted on\ntmpfs           392M  1.6M  390M   1% /run\n/dev/vda1        49G   12G   37G  25% /\ntmpfs           2.0G     0  2.0G   0% /dev/shm\n/dev/vda15      105M  6.1M   99M   6% /boot/efi\n"
    } else {
        "Filesystem     1K-blocks     Used Available Use% Mounted on\ntmpfs             400716     1608    399108   1% /run\n/dev/vda1       50620216 12478312  38125520  25% /\ntmpfs            2003572        0   2003572   0% /dev/shm\n/dev/vda15        106858     6186    100672   6% /boot/efi\n"
    };
    Output::ok(text)
}

/// `free [-m|-h]`
pub fn free(_env: &mut Env, args: &[String], _io: &Io) -> Output {
    let text = if args.iter().any(|a| a == "-h") {
        "               total        used        free      shared  buff/cache   available\nMem:           3.8Gi       1.4Gi       0.9Gi       3.0Mi       1.6Gi       2.2Gi\nSwap:             0B          0B          0B\n"
    } else if args.iter().any(|a| a == "-m") {
        "               total        used        free      shared  buff/cache   available\nMem:            3913        1434         913           3        1640        2255\nSwap:              0           0           0\n"
    } else {
        "               total        used        free      shared  buff/cache   available\nMem:         4007144     1468812      935172        3120     1679332     2309576\nSwap:              0           0           0\n"
    };
    Output::ok(text)
}

/// `uptime`: the node has been up since the cluster was built.
pub fn uptime(env: &mut Env, _args: &[String], _io: &Io) -> Output {
    let now = env.world.now();
    let days = env
        .world
        .hosts
        .get(&env.sh.host)
        .and_then(|h| env.world.clusters.get(&h.cluster))
        .and_then(|c| c.peek("nodes", "", &env.sh.host))
        .and_then(|n| {
            n.pointer("/metadata/creationTimestamp")?
                .as_str()
                .and_then(crate::cluster::parse_timestamp)
        })
        .map_or(0, |t| (now - t).num_days().max(0));
    Output::ok(format!(
        " {} up {days} days,  1:02,  1 user,  load average: 0.31, 0.27, 0.22\n",
        now.format("%H:%M:%S")
    ))
}
