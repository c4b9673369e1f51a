//! The host's systemd: `systemctl` over the World's services (a stopped kubelet stops the node's static
//! pods, as on a real node) and a minimal `journalctl`.

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
    let since = env.world.now().format("%a %Y-%m-%d %H:%M:%S UTC");
    let enabled = if s.enabled { "enabled" } else { "disabled" };
    let dot = if s.active { "●" } else { "○" };
    let active = if s.active {
        format!("active (running) since {since}")
    } else {
        format!("inactive (dead) since {since}")
    };
    format!(
        "{dot} {name}.service - {}\n     Loaded: loaded (/lib/systemd/system/{name}.service; {enabled}; vendor preset: enabled)\n     Active: {active}\n       Docs: https://kubernetes.io/docs/\n",
        description(name)
    )
}

/// `systemctl status|start|stop|restart|enable|disable|is-active|is-enabled|daemon-reload [UNIT]...`
pub fn systemctl(env: &mut Env, args: &[String], _io: &Io) -> Output {
    let now = args.iter().any(|a| a == "--now");
    let words: Vec<&String> = args.iter().filter(|a| !a.starts_with('-')).collect();
    let Some((verb, units)) = words.split_first() else {
        return Output::ok("  UNIT                 LOAD   ACTIVE SUB     DESCRIPTION\n  containerd.service   loaded active running containerd container runtime\n  kubelet.service      loaded active running kubelet: The Kubernetes Node Agent\n");
    };
    if matches!(
        verb.as_str(),
        "daemon-reload" | "list-units" | "list-unit-files"
    ) {
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
                if !svc.active {
                    out.code = 3;
                }
            }
            "is-active" => {
                out.stdout
                    .push_str(if svc.active { "active\n" } else { "inactive\n" });
                if !svc.active {
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
            "start" | "restart" | "reload" | "try-restart" => next.active = true,
            "stop" => next.active = false,
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
        if next != svc {
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
