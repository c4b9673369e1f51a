//! `kubectl certificate approve|deny NAME...`: sets the Approved or Denied condition of
//! CertificateSigningRequests.

use super::super::errors;
use super::super::flags::{flag, FlagSpec};
use super::super::Ctx;
use crate::cluster::{object, schema, timestamp};
use serde_json::{json, Value};

/// The flags of `kubectl certificate approve|deny`.
pub const FLAGS: &[FlagSpec] = &[flag("force", None)];

const HELP: &str = "Modify certificate resources.

Available Commands:
  approve       Approve a certificate signing request
  deny          Deny a certificate signing request

Usage:
  kubectl certificate SUBCOMMAND [options]

Use \"kubectl <command> --help\" for more information about a given command.
Use \"kubectl options\" for a list of global command-line options (applies to all commands).
";

/// Runs `kubectl certificate ...`.
pub fn run(ctx: &mut Ctx<'_>) {
    let args = ctx.flags.args.clone();
    let (verb, names) = match args.split_first() {
        None => return ctx.print(HELP),
        Some((v, rest)) => (v.clone(), rest.to_vec()),
    };
    let (cond, done, other) = match verb.as_str() {
        "approve" => ("Approved", "approved", "Denied"),
        "deny" => ("Denied", "denied", "Approved"),
        _ => {
            return ctx.error(&format!(
                "unknown command \"{verb}\" for \"kubectl certificate\"\nRun 'kubectl certificate --help' for usage."
            ))
        }
    };
    if names.is_empty() {
        return ctx.error("one or more CSRs must be specified as <name> or -f <filename>");
    }
    let force = ctx.flags.is_set("force");
    let Some(rt) = schema::lookup("certificatesigningrequests") else {
        return ctx.error("the server doesn't have a resource type \"certificatesigningrequests\"");
    };
    for name in names {
        let name = name
            .strip_prefix("csr/")
            .or_else(|| name.strip_prefix("certificatesigningrequest/"))
            .unwrap_or(&name)
            .to_string();
        let found = match ctx.cluster_ref() {
            Some(c) => c.get(rt, "", &name).map(|o| (o, timestamp(c.now))),
            None => return ctx.error("cluster not reachable"),
        };
        let (mut csr, now) = match found {
            Ok(x) => x,
            Err(e) => {
                ctx.error(&errors::api_error(&e));
                continue;
            }
        };
        let conditions = object::array(&csr, "status.conditions").to_vec();
        let has = |t: &str| conditions.iter().any(|x| object::str_at(x, "type") == t);
        if has(other) {
            ctx.error(&format!(
                "certificate signing request {name:?} is already {}",
                other.to_ascii_lowercase()
            ));
            continue;
        }
        if !has(cond) || force {
            let (reason, message) = if cond == "Approved" {
                (
                    "KubectlApprove",
                    "This CSR was approved by kubectl certificate approve.",
                )
            } else {
                (
                    "KubectlDeny",
                    "This CSR was denied by kubectl certificate deny.",
                )
            };
            let mut list: Vec<Value> = conditions
                .iter()
                .filter(|x| object::str_at(x, "type") != cond)
                .cloned()
                .collect();
            list.push(
                json!({"type": cond, "status": "True", "reason": reason, "message": message,
                "lastUpdateTime": now, "lastTransitionTime": now}),
            );
            object::set(&mut csr, "status.conditions", Value::Array(list));
            let updated = match ctx.cluster() {
                Some(c) => c.update(csr, false),
                None => return ctx.error("cluster not reachable"),
            };
            if let Err(e) = updated {
                ctx.error(&errors::api_error(&e));
                continue;
            }
        }
        ctx.println(&format!(
            "certificatesigningrequest.certificates.k8s.io/{name} {done}"
        ));
    }
}
