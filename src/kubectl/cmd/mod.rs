//! kubectl's verbs, one module per family, each Complete -> Validate -> Run over a `Ctx`.

pub mod apply;
pub mod auth;
pub mod autoscale;
pub mod certificate;
pub mod config;
pub mod cp;
pub mod create;
pub mod create_more;
pub mod delete;
pub mod diff;
pub mod edit;
pub mod events;
pub mod explain;
pub mod expose;
pub mod generate;
pub mod get;
pub mod help;
pub mod misc;
pub mod node;
pub mod output;
pub mod patch;
pub mod podio;
pub mod rollout;
pub mod run;
pub mod scale;
pub mod set;
pub mod top;
pub mod wait;

use super::flags::FlagSpec;
use super::{context, Ctx, Invocation};
use crate::cluster::object;
use crate::world::World;
use crate::Output;
use serde_json::Value;

/// `--dry-run` modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DryRun {
    None,
    Client,
    Server,
}

impl DryRun {
    /// What kubectl appends to its success line.
    pub fn suffix(self) -> &'static str {
        match self {
            DryRun::None => "",
            DryRun::Client => " (dry run)",
            DryRun::Server => " (server dry run)",
        }
    }
}

/// Reads `--dry-run[=client|server|none]`.
pub fn dry_run(ctx: &Ctx<'_>) -> Result<DryRun, String> {
    match ctx.flags.get("dry-run") {
        None | Some("none") | Some("false") => Ok(DryRun::None),
        Some("client") | Some("true") | Some("") => Ok(DryRun::Client),
        Some("server") => Ok(DryRun::Server),
        Some(other) => Err(format!(
            "Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
        )),
    }
}

/// An annotation of an object, if set.
pub fn deployment_annotation(o: &Value, key: &str) -> Option<String> {
    object::get(o, "metadata.annotations")
        .and_then(|a| a.get(key))
        .and_then(Value::as_str)
        .map(String::from)
}

fn with_ctx(
    world: &mut World,
    inv: Invocation<'_>,
    path: &str,
    argv: &[String],
    specs: &[FlagSpec],
    f: fn(&mut Ctx<'_>),
) -> Output {
    // `--dry-run` alone means client (kubectl warns and treats it so).
    let argv: Vec<String> = argv
        .iter()
        .map(|a| {
            if a == "--dry-run" {
                "--dry-run=client".to_string()
            } else {
                a.clone()
            }
        })
        .collect();
    match context(world, inv, path, &argv, specs) {
        Ok(mut ctx) => {
            if ctx.flags.is_set("help") {
                return Output::ok(help::for_command(path));
            }
            f(&mut ctx);
            let out = std::mem::take(&mut ctx.out);
            ctx.world.stderr_lead = ctx.stderr_lead.min(out.stderr.len());
            // `--as` lasts one command.
            for c in ctx.world.clusters.values_mut() {
                c.requester = None;
            }
            // A World still waiting for its boot ran only a client-side command (the shell boots
            // it before anything else): there is nothing to settle, and booting would be wasted.
            if !ctx.world.boot_pending() {
                ctx.world.settle();
            }
            out
        }
        Err(out) => out,
    }
}

/// The flags a verb takes (without the global ones), for tab completion.
pub fn verb_flags(verb: &str) -> Vec<FlagSpec> {
    match verb {
        "get" => get::FLAGS.to_vec(),
        "describe" => super::describe::FLAGS.to_vec(),
        "run" => run::FLAGS.to_vec(),
        "create" => create::all_flags(),
        "apply" | "replace" => apply::FLAGS.to_vec(),
        "expose" => expose::FLAGS.to_vec(),
        "scale" => scale::FLAGS.to_vec(),
        "delete" => delete::FLAGS.to_vec(),
        "label" | "annotate" => misc::LABEL_FLAGS.to_vec(),
        "version" => misc::VERSION_FLAGS.to_vec(),
        "api-resources" => misc::API_FLAGS.to_vec(),
        "rollout" => rollout::FLAGS.to_vec(),
        "set" => set::FLAGS.to_vec(),
        "taint" => node::TAINT_FLAGS.to_vec(),
        "cordon" | "uncordon" => node::CORDON_FLAGS.to_vec(),
        "drain" => node::DRAIN_FLAGS.to_vec(),
        "logs" => podio::LOGS_FLAGS.to_vec(),
        "exec" => podio::EXEC_FLAGS.to_vec(),
        _ => Vec::new(),
    }
}

/// Whether `kubectl ARGS...` (without the leading `kubectl`) is a client-side generator that
/// neither reads nor changes cluster state beyond the kubeconfig. The shell runs such a line on a
/// World whose boot is still pending.
pub fn client_side(args: &[String]) -> bool {
    let (Some(verb), rest) = super::verb_of(args) else {
        return false;
    };
    verb == "create" && offline_generator(&rest)
}

/// Whether `kubectl create ARGS...` builds its object without asking the API server: with
/// `--dry-run=client` (or bare `--dry-run`), the generators that kubectl v1.32 runs with no server
/// at all (deployment, namespace, configmap, secret, service, job, cronjob, serviceaccount,
/// role and cluster role bindings, quota, poddisruptionbudget, priorityclass, ingress). `role`,
/// `clusterrole`, `job --from` and `-f` need the server's discovery or objects; flags that read
/// files are left to a booted World too.
pub fn offline_generator(rest: &[String]) -> bool {
    let dry_client = rest
        .iter()
        .any(|a| a == "--dry-run=client" || a == "--dry-run");
    let sub = rest.iter().find(|a| !a.starts_with('-'));
    dry_client
        && matches!(
            sub.map(String::as_str),
            Some(
                "deployment"
                    | "deploy"
                    | "namespace"
                    | "ns"
                    | "configmap"
                    | "cm"
                    | "secret"
                    | "service"
                    | "svc"
                    | "job"
                    | "cronjob"
                    | "cj"
                    | "serviceaccount"
                    | "sa"
                    | "rolebinding"
                    | "clusterrolebinding"
                    | "quota"
                    | "resourcequota"
                    | "poddisruptionbudget"
                    | "pdb"
                    | "priorityclass"
                    | "pc"
                    | "ingress"
                    | "ing"
            )
        )
        && !rest.iter().any(|a| {
            [
                "-f",
                "--filename",
                "-k",
                "--kustomize",
                "--from",
                "--from-file",
                "--from-env-file",
                "--cert",
                "--key",
            ]
            .iter()
            .any(|f| {
                a == f || a.starts_with(&format!("{f}=")) || (f.len() == 2 && a.starts_with(f))
            })
        })
}

/// Runs one verb.
pub fn dispatch(world: &mut World, verb: &str, rest: &[String], inv: Invocation<'_>) -> Output {
    let path = help::command_path(verb, rest);
    match verb {
        "get" => with_ctx(world, inv, &path, rest, get::FLAGS, get::run),
        "describe" => with_ctx(
            world,
            inv,
            &path,
            rest,
            super::describe::FLAGS,
            super::describe::run,
        ),
        "run" => with_ctx(world, inv, &path, rest, run::FLAGS, run::run),
        "create" => with_ctx(world, inv, &path, rest, &create::all_flags(), create::run),
        "apply" => with_ctx(world, inv, &path, rest, apply::FLAGS, apply::run),
        "replace" => with_ctx(world, inv, &path, rest, apply::FLAGS, |ctx| {
            let files = ctx.flags.all("filename");
            if files.is_empty() {
                return ctx.error("must specify --filename to replace");
            }
            apply::from_files(ctx, &files, apply::Mode::Replace)
        }),
        "expose" => with_ctx(world, inv, &path, rest, expose::FLAGS, expose::run),
        "scale" => with_ctx(world, inv, &path, rest, scale::FLAGS, scale::run),
        "edit" => with_ctx(world, inv, &path, rest, edit::FLAGS, edit::no_terminal),
        "delete" => with_ctx(world, inv, &path, rest, delete::FLAGS, delete::run),
        "label" => with_ctx(world, inv, &path, rest, misc::LABEL_FLAGS, |c| {
            misc::label(c, "labels")
        }),
        "annotate" => with_ctx(world, inv, &path, rest, misc::LABEL_FLAGS, |c| {
            misc::label(c, "annotations")
        }),
        "version" => with_ctx(world, inv, &path, rest, misc::VERSION_FLAGS, misc::version),
        "api-resources" => with_ctx(
            world,
            inv,
            &path,
            rest,
            misc::API_FLAGS,
            misc::api_resources,
        ),
        "rollout" => with_ctx(world, inv, &path, rest, rollout::FLAGS, rollout::run),
        "set" => with_ctx(world, inv, &path, rest, set::FLAGS, set::run),
        "taint" => with_ctx(world, inv, &path, rest, node::TAINT_FLAGS, node::taint),
        "cordon" => with_ctx(world, inv, &path, rest, node::CORDON_FLAGS, |c| {
            node::cordon(c, true)
        }),
        "uncordon" => with_ctx(world, inv, &path, rest, node::CORDON_FLAGS, |c| {
            node::cordon(c, false)
        }),
        "drain" => with_ctx(world, inv, &path, rest, node::DRAIN_FLAGS, node::drain),
        "logs" => with_ctx(world, inv, &path, rest, podio::LOGS_FLAGS, podio::logs),
        "exec" => with_ctx(world, inv, &path, rest, podio::EXEC_FLAGS, podio::exec),
        "cluster-info" => with_ctx(world, inv, &path, rest, &[], misc::cluster_info),
        "config" => {
            if rest.iter().any(|a| a == "-h" || a == "--help") {
                return Output::ok(help::for_command(&path));
            }
            config::run(world, rest, inv)
        }
        "patch" => with_ctx(world, inv, &path, rest, patch::FLAGS, patch::run),
        "wait" => with_ctx(world, inv, &path, rest, wait::FLAGS, wait::run),
        "explain" => with_ctx(world, inv, &path, rest, explain::FLAGS, explain::run),
        "api-versions" => with_ctx(world, inv, &path, rest, &[], explain::api_versions),
        "top" => {
            let sub = match rest
                .iter()
                .find(|a| !a.starts_with('-'))
                .map(String::as_str)
            {
                Some("pod" | "pods" | "po") => "kubectl top pod",
                Some("node" | "nodes" | "no") => "kubectl top node",
                _ => "kubectl top",
            };
            with_ctx(world, inv, sub, rest, top::FLAGS, top::run)
        }
        "events" => with_ctx(world, inv, &path, rest, events::FLAGS, events::run),
        "autoscale" => with_ctx(world, inv, &path, rest, autoscale::FLAGS, autoscale::run),
        "diff" => with_ctx(world, inv, &path, rest, diff::FLAGS, diff::run),
        "cp" => with_ctx(world, inv, &path, rest, cp::CP_FLAGS, cp::cp),
        "port-forward" => with_ctx(
            world,
            inv,
            &path,
            rest,
            cp::PORT_FORWARD_FLAGS,
            cp::port_forward,
        ),
        "auth" => {
            if rest.iter().any(|a| a == "-h" || a == "--help") {
                return Output::ok(help::for_command(&path));
            }
            with_ctx(world, inv, &path, rest, auth::FLAGS, auth::run)
        }
        "certificate" => with_ctx(
            world,
            inv,
            &path,
            rest,
            certificate::FLAGS,
            certificate::run,
        ),
        "help" => Output::ok(help::ROOT),
        other => {
            if help::KNOWN_VERBS.contains(&other) {
                Output::err(format!("error: kubedojo does not simulate \"kubectl {other}\" yet; the real exam's kubectl has it.\n"), 1)
            } else {
                Output::err(help::unknown_command(other), 1)
            }
        }
    }
}
