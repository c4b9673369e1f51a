//! `kubectl edit`: the objects go to an editor as YAML (or JSON with `-o json`) under kubectl's
//! header comment; when the editor closes, the learner's version is applied. An invalid version
//! reopens the editor with the reasons as comments at the top; closing it again unchanged keeps a
//! copy in `/tmp/kubectl-edit-NNN.yaml` and gives up, as kubectl v1.32 does.
//!
//! An editor cannot run inside one synchronous command, so this is two steps: [`begin`] reads the
//! objects and returns the [`EditSession`] (the temporary file's text), and [`finish`] takes what the
//! editor saved and returns either the next round ([`EditStep::Reopen`]) or the command's output.

use super::output::{name_of, render, to_json};
use crate::cluster::api::ApiError;
use crate::cluster::{object, schema};
use crate::kubectl::errors;
use crate::kubectl::flags::{flag, val, FlagSpec};
use crate::kubectl::{context, resources, Ctx, Invocation};
use crate::world::World;
use crate::Output;
use serde_json::Value;

pub const FLAGS: &[FlagSpec] = &[
    val("output", Some('o')),
    rep_filename(),
    flag("save-config", None),
    val("validate", None),
    val("field-manager", None),
    flag("output-patch", None),
    flag("windows-line-endings", None),
    val("subresource", None),
    val("selector", Some('l')),
    flag("show-managed-fields", None),
    flag("allow-missing-template-keys", None),
    flag("record", None),
];

const fn rep_filename() -> FlagSpec {
    crate::kubectl::flags::rep("filename", Some('f'))
}

/// The comment kubectl puts at the top of the file.
pub const HEADER: &str = "# Please edit the object below. Lines beginning with a '#' will be ignored,\n# and an empty file will abort the edit. If an error occurs while saving this file will be\n# reopened with the relevant failures.\n#\n";

/// What `kubectl edit` says where no editor can open.
pub const NO_TERMINAL: &str = "error: kubectl edit opens an editor, which needs kubedojo's interactive terminal.\nHere, write the object to a file and apply it instead:\n  kubectl get TYPE NAME -o yaml > obj.yaml   # change obj.yaml, then\n  kubectl apply -f obj.yaml                  # or: kubectl replace --force -f obj.yaml\n";

/// One `kubectl edit` between its rounds in the editor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditSession {
    /// The cluster the objects live in.
    pub cluster: String,
    /// The host whose `/tmp` holds the temporary file.
    pub host: String,
    /// The temporary file, as kubectl names it (`/tmp/kubectl-edit-1234567890.yaml`).
    pub path: String,
    /// The text the editor opens this round.
    pub content: String,
    json: bool,
    /// The objects as they were read (to tell what changed, and that kind and name did not).
    originals: Vec<Value>,
    /// The last round failed, so saving the same text again gives up.
    failed: bool,
    /// What was printed so far (kubectl prints as it goes; the terminal shows it when the editor closes).
    out: Output,
}

/// What happens after the editor closed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditStep {
    /// The edit was invalid: open the editor again on this.
    Reopen(EditSession),
    /// Finished, with what kubectl printed.
    Done(Output),
}

/// Reads the objects named by `argv` (the arguments after `edit`) into an [`EditSession`].
pub fn begin(
    world: &mut World,
    argv: &[String],
    inv: Invocation<'_>,
) -> Result<EditSession, Output> {
    let mut ctx = context(world, inv, "kubectl edit", argv, FLAGS)?;
    if ctx.flags.is_set("help") {
        return Err(Output::ok(super::help::for_command("kubectl edit")));
    }
    let json = match ctx.flags.get("output").unwrap_or("yaml") {
        "yaml" | "" => false,
        "json" => true,
        other => {
            ctx.error(&format!(
                "the flag 'output' must be one of yaml|json, not {other:?}"
            ));
            return Err(std::mem::take(&mut ctx.out));
        }
    };
    if !ctx.flags.all("filename").is_empty() {
        ctx.error("kubedojo's kubectl edit takes TYPE NAME or TYPE/NAME, not -f; open the file with vi and kubectl apply -f it");
        return Err(std::mem::take(&mut ctx.out));
    }
    let objects = match read_objects(&mut ctx) {
        Ok(o) => o,
        Err(()) => return Err(std::mem::take(&mut ctx.out)),
    };
    let content = render_objects(&objects, json, &[]);
    let path = temp_path(&ctx, json);
    Ok(EditSession {
        cluster: ctx.cluster.clone(),
        host: inv.host.to_string(),
        path,
        content,
        json,
        originals: objects,
        failed: false,
        out: Output::default(),
    })
}

/// The objects to edit, as `kubectl get -o yaml` would show them (without managedFields).
fn read_objects(ctx: &mut Ctx<'_>) -> Result<Vec<Value>, ()> {
    let args = ctx.flags.args.clone();
    if args.is_empty() {
        ctx.error("You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
        return Err(());
    }
    let reqs = match resources::parse_in(ctx.cluster_ref(), &args) {
        Ok(r) => r,
        Err(e) => {
            ctx.error(&e);
            return Err(());
        }
    };
    let ns = ctx.namespace.clone();
    let mut objects = Vec::new();
    for r in reqs {
        let Some(c) = ctx.cluster_ref() else {
            ctx.error("the server could not find the requested resource");
            return Err(());
        };
        match &r.name {
            Some(name) => match c.get(r.rt, &ns, name) {
                Ok(o) => objects.push(o),
                Err(e) => {
                    ctx.error(&errors::api_error(&e));
                    return Err(());
                }
            },
            None => {
                let mut all = c.list(r.rt, Some(&ns), None);
                all.sort_by(|a, b| object::name(a).cmp(object::name(b)));
                objects.extend(all);
            }
        }
    }
    for o in &mut objects {
        object::remove(o, "metadata.managedFields");
    }
    if objects.is_empty() {
        // kubectl edits nothing and says nothing when a type has no objects.
        return Err(());
    }
    Ok(objects)
}

/// A temporary file name like Go's `os.CreateTemp("", "kubectl-edit-*.yaml")`: a random number,
/// here drawn from the World's clock so tests stay deterministic.
fn temp_path(ctx: &Ctx<'_>, json: bool) -> String {
    let now = ctx.world.now();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in now
        .timestamp_nanos_opt()
        .unwrap_or_default()
        .to_le_bytes()
        .iter()
        .chain(ctx.flags.args.join(" ").as_bytes())
    {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    let n = (h >> 32) as u32;
    let ext = if json { "json" } else { "yaml" };
    format!("/tmp/kubectl-edit-{n}.{ext}")
}

/// The header (with any reasons of the last round) and the objects: one bare, several as a List.
fn render_objects(objects: &[Value], json: bool, reasons: &[String]) -> String {
    let mut s = String::from(HEADER);
    for r in reasons {
        s.push_str(r);
    }
    let body = if json {
        let one = if objects.len() == 1 {
            objects.first().cloned().unwrap_or(Value::Null)
        } else {
            super::output::list(objects.to_vec())
        };
        let mut j = to_json(&one);
        if !j.ends_with('\n') {
            j.push('\n');
        }
        j
    } else {
        render("yaml", objects, true, false).unwrap_or_default()
    };
    s.push_str(&body);
    s
}

/// The text without comment lines, as kubectl compares and parses it.
fn strip_comments(text: &str) -> String {
    text.lines()
        .filter(|l| !l.trim_start().starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// `pods`, `deployments.apps`: how kubectl names a resource in its edit messages.
fn resource_string(obj: &Value) -> String {
    match schema::by_kind_any_version(object::kind(obj)) {
        Some(rt) => rt.qualified_plural(),
        None => object::kind(obj).to_ascii_lowercase(),
    }
}

/// Applies what the editor saved (`None`: the file was not written, so it is as it was opened).
pub fn finish(world: &mut World, mut s: EditSession, saved: Option<String>) -> EditStep {
    let edited = saved.unwrap_or_else(|| s.content.clone());
    let stripped = strip_comments(&edited);
    if s.failed && stripped == strip_comments(&s.content) {
        keep_copy(world, &s, &edited);
        s.out.stderr.push_str(&format!(
            "A copy of your changes has been stored to \"{}\"\nerror: Edit cancelled, no valid changes were saved.\n",
            s.path
        ));
        s.out.code = 1;
        return EditStep::Done(s.out);
    }
    if !s.failed && stripped == strip_comments(&s.content) {
        s.out.stderr.push_str("Edit cancelled, no changes made.\n");
        return EditStep::Done(s.out);
    }
    if stripped.trim().is_empty() {
        s.out
            .stderr
            .push_str("Edit cancelled, saved file was empty.\n");
        return EditStep::Done(s.out);
    }
    let parsed = if s.json {
        serde_json::from_str::<Value>(&stripped).map_err(|e| e.to_string())
    } else {
        crate::scenario::setup::parse_documents(&stripped).map(|docs| {
            if docs.len() == 1 {
                docs.into_iter().next().unwrap_or(Value::Null)
            } else {
                super::output::list(docs)
            }
        })
    };
    let edited_objects = match parsed {
        Ok(v) if object::kind(&v) == "List" => object::get(&v, "items")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default(),
        Ok(v) if v.is_object() => vec![v],
        Ok(_) => return reopen_with(s, &edited, "The edited file had a syntax error: error unmarshaling JSON: Object 'Kind' is missing in the edited file".to_string()),
        Err(e) => {
            let how = if s.json { "" } else { "error converting YAML to JSON: yaml: " };
            return reopen_with(
                s,
                &edited,
                format!("The edited file had a syntax error: {how}{e}"),
            );
        }
    };
    let same_identity = edited_objects.len() == s.originals.len()
        && edited_objects.iter().zip(&s.originals).all(|(e, o)| {
            object::kind(e) == object::kind(o)
                && object::name(e) == object::name(o)
                && object::str_at(e, "apiVersion") == object::str_at(o, "apiVersion")
        });
    if !same_identity {
        keep_copy(world, &s, &edited);
        s.out.stderr.push_str(&format!(
            "error: At least one of apiVersion, kind and name was changed\nA copy of your changes has been stored to \"{}\"\n",
            s.path
        ));
        s.out.code = 1;
        return EditStep::Done(s.out);
    }
    let mut invalid = Vec::new();
    let mut reasons = Vec::new();
    let mut retry = false;
    let originals = std::mem::take(&mut s.originals);
    for (edited_obj, original) in edited_objects.into_iter().zip(originals) {
        if edited_obj == original {
            s.out
                .stdout
                .push_str(&format!("{} skipped\n", name_of(&original)));
            continue;
        }
        let mut update = edited_obj.clone();
        object::remove(&mut update, "metadata.resourceVersion");
        let result = match world.clusters.get_mut(&s.cluster) {
            Some(c) => c.update(update, false),
            None => Err(ApiError::not_found(
                &resource_string(&original),
                object::name(&original),
            )),
        };
        let res = resource_string(&original);
        let name = object::name(&original).to_string();
        match result {
            Ok(o) => s.out.stdout.push_str(&format!("{} edited\n", name_of(&o))),
            Err(e) if e.reason == "Invalid" => {
                s.out
                    .stderr
                    .push_str(&format!("error: {res} \"{name}\" is invalid\n"));
                let causes = e
                    .invalid
                    .as_ref()
                    .map(|i| i.causes.clone())
                    .unwrap_or_default();
                let mut r = if causes.is_empty() {
                    format!("# {res} \"{name}\" was not valid\n")
                } else {
                    format!("# {res} \"{name}\" was not valid:\n")
                };
                for c in causes {
                    r.push_str(&format!("# * {}\n", c.replace('\n', "\n# ")));
                }
                r.push_str("#\n");
                reasons.push(r);
                invalid.push(edited_obj);
            }
            Err(e) if e.is_not_found() => {
                s.out.stderr.push_str(&format!(
                    "error: {res} \"{name}\" could not be found on the server\n"
                ));
                s.out.code = 1;
            }
            Err(e) => {
                s.out.stderr.push_str(&format!(
                    "error: {res} \"{name}\" could not be patched: {}\n",
                    e.message
                ));
                retry = true;
            }
        }
    }
    world.settle();
    if retry {
        keep_copy(world, &s, &edited);
        s.out.stderr.push_str(&format!(
            "You can run `kubectl replace -f {}` to try this update again.\n",
            s.path
        ));
        s.out.code = 1;
        return EditStep::Done(s.out);
    }
    if invalid.is_empty() {
        return EditStep::Done(s.out);
    }
    s.content = render_objects(&invalid, s.json, &reasons);
    s.originals = invalid;
    s.failed = true;
    EditStep::Reopen(s)
}

/// A syntax error: the file comes back as the learner left it, under the header and the reason.
fn reopen_with(mut s: EditSession, edited: &str, reason: String) -> EditStep {
    let mut text = String::from(HEADER);
    text.push_str(&format!(
        "# {}\n#\n",
        reason.trim_end().replace('\n', "\n# ")
    ));
    text.push_str(&strip_comments(edited));
    s.content = text;
    s.failed = true;
    EditStep::Reopen(s)
}

/// Keeps the learner's version in the temporary file on the host, as kubectl does on failure.
fn keep_copy(world: &mut World, s: &EditSession, text: &str) {
    if let Some(h) = world.hosts.get_mut(&s.host) {
        let _ = h.fs.mkdir_p("/tmp");
        let _ = h.fs.write(&s.path, text);
    }
}

/// `kubectl edit` run where no editor can open (`kubedojo sh`, `kubedojo check`, a pipeline).
pub fn no_terminal(ctx: &mut Ctx<'_>) {
    ctx.out = Output::err(NO_TERMINAL, 1);
}
