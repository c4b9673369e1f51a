//! CustomResourceDefinitions and custom resources (issue #3): a CRD registers a type in its own
//! cluster; kubectl resolves it by every name, prints its printer columns, validates against its
//! schema with the API server's words. Read like the exam: exact lines, stdout and stderr apart.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use kubedojo::session::{ClockMode, Session};

const CRD: &str = r#"apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: crontabs.stable.example.com
spec:
  group: stable.example.com
  versions:
    - name: v1
      served: true
      storage: true
      schema:
        openAPIV3Schema:
          type: object
          description: A CronTab runs an image on a schedule.
          properties:
            spec:
              type: object
              description: What to run and when.
              required: ["cronSpec"]
              properties:
                cronSpec:
                  type: string
                  description: The schedule, in cron format.
                image:
                  type: string
                  description: The image to run.
                replicas:
                  type: integer
                  minimum: 1
                  maximum: 10
                  default: 1
      additionalPrinterColumns:
        - name: Spec
          type: string
          jsonPath: .spec.cronSpec
        - name: Replicas
          type: integer
          jsonPath: .spec.replicas
        - name: Age
          type: date
          jsonPath: .metadata.creationTimestamp
  scope: Namespaced
  names:
    plural: crontabs
    singular: crontab
    kind: CronTab
    shortNames:
    - ct
"#;

const CR: &str = r#"apiVersion: stable.example.com/v1
kind: CronTab
metadata:
  name: my-new-cron-object
spec:
  cronSpec: "* * * * */5"
  image: my-awesome-cron-image
"#;

fn write(s: &mut Session, path: &str, text: &str) {
    let out = s.run(&format!("cat > {path} <<'EOF'\n{text}EOF"));
    assert_eq!(out.code, 0, "{}", out.stderr);
}

fn session() -> Session {
    let mut s = Session::sandbox(ClockMode::Manual);
    write(&mut s, "crd.yaml", CRD);
    write(&mut s, "cr.yaml", CR);
    s
}

fn with_crd() -> Session {
    let mut s = session();
    let out = s.run("kubectl apply -f crd.yaml");
    assert_eq!(
        out.stdout,
        "customresourcedefinition.apiextensions.k8s.io/crontabs.stable.example.com created\n",
        "{}",
        out.stderr
    );
    s
}

fn with_cr() -> Session {
    let mut s = with_crd();
    let out = s.run("kubectl apply -f cr.yaml");
    assert_eq!(
        out.stdout, "crontab.stable.example.com/my-new-cron-object created\n",
        "{}",
        out.stderr
    );
    s
}

#[test]
fn a_custom_resource_before_its_crd_is_a_mapping_error() {
    let mut s = session();
    let out = s.run("kubectl apply -f cr.yaml");
    assert_eq!(out.stdout, "");
    assert_eq!(out.stderr, "error: resource mapping not found for name: \"my-new-cron-object\" namespace: \"\" from \"cr.yaml\": no matches for kind \"CronTab\" in version \"stable.example.com/v1\"\nensure CRDs are installed first\n");
    let out = s.run("kubectl get crontabs");
    assert_eq!(
        out.stderr,
        "error: the server doesn't have a resource type \"crontabs\"\n"
    );
}

#[test]
fn get_crd_lists_name_and_creation_time() {
    let mut s = with_crd();
    let out = s.run("kubectl get crd");
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(lines[0], "NAME                          CREATED AT");
    assert!(
        lines[1].starts_with("crontabs.stable.example.com   20"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_crd_is_defaulted_and_established() {
    let mut s = with_crd();
    let out = s.run("kubectl get crd crontabs.stable.example.com -o jsonpath='{.spec.names.listKind} {.spec.conversion.strategy} {.status.acceptedNames.kind} {.status.conditions[?(@.type==\"Established\")].status} {.status.storedVersions}'");
    assert_eq!(
        out.stdout, "CronTabList None CronTab True [\"v1\"]",
        "{}",
        out.stderr
    );
}

#[test]
fn every_name_of_the_custom_type_resolves() {
    let mut s = with_cr();
    for name in [
        "crontabs",
        "crontab",
        "ct",
        "CronTab",
        "crontabs.stable.example.com",
        "crontabs.stable",
        "crontabs.v1.stable.example.com",
    ] {
        let out = s.run(&format!("kubectl get {name} -o name"));
        assert_eq!(
            out.stdout, "crontab.stable.example.com/my-new-cron-object\n",
            "{name}: {}",
            out.stderr
        );
    }
}

#[test]
fn the_table_has_the_printer_columns() {
    let mut s = with_cr();
    s.world.advance(120);
    let out = s.run("kubectl get ct");
    assert_eq!(
        out.stdout,
        "NAME                 SPEC          REPLICAS   AGE\nmy-new-cron-object   * * * * */5   1          2m1s\n"
    );
    let out = s.run("kubectl get crontabs -A");
    assert!(
        out.stdout.starts_with("NAMESPACE   NAME "),
        "{}",
        out.stdout
    );
}

#[test]
fn without_printer_columns_the_table_is_name_and_age() {
    let mut s = session();
    let plain = CRD.replace("      additionalPrinterColumns:\n        - name: Spec\n          type: string\n          jsonPath: .spec.cronSpec\n        - name: Replicas\n          type: integer\n          jsonPath: .spec.replicas\n        - name: Age\n          type: date\n          jsonPath: .metadata.creationTimestamp\n", "");
    assert_ne!(plain, CRD);
    write(&mut s, "plain.yaml", &plain);
    assert_eq!(s.run("kubectl create -f plain.yaml").code, 0);
    assert_eq!(s.run("kubectl create -f cr.yaml").code, 0);
    let out = s.run("kubectl get crontab");
    assert_eq!(
        out.stdout,
        "NAME                 AGE\nmy-new-cron-object   1s\n"
    );
}

#[test]
fn schema_types_are_enforced_with_the_servers_message() {
    let mut s = with_crd();
    write(
        &mut s,
        "bad.yaml",
        &CR.replace("image: my-awesome-cron-image", "replicas: \"three\""),
    );
    let out = s.run("kubectl apply -f bad.yaml");
    assert_eq!(out.stderr, "The CronTab \"my-new-cron-object\" is invalid: spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"\n");
    write(
        &mut s,
        "big.yaml",
        &CR.replace("image: my-awesome-cron-image", "replicas: 15"),
    );
    let out = s.run("kubectl create -f big.yaml");
    assert_eq!(out.stderr, "The CronTab \"my-new-cron-object\" is invalid: spec.replicas: Invalid value: 15: spec.replicas in body should be less than or equal to 10\n");
    write(
        &mut s,
        "nospec.yaml",
        &CR.replace("  cronSpec: \"* * * * */5\"\n", ""),
    );
    let out = s.run("kubectl create -f nospec.yaml");
    assert_eq!(
        out.stderr,
        "The CronTab \"my-new-cron-object\" is invalid: spec.cronSpec: Required value\n"
    );
}

#[test]
fn unknown_fields_are_refused_by_strict_field_validation() {
    let mut s = with_crd();
    write(&mut s, "typo.yaml", &CR.replace("image:", "imagee:"));
    let out = s.run("kubectl apply -f typo.yaml");
    assert_eq!(out.stderr, "Error from server (BadRequest): error when creating \"typo.yaml\": CronTab in version \"v1\" cannot be handled as a CronTab: strict decoding error: unknown field \"spec.imagee\"\n");
}

#[test]
fn schema_defaults_are_applied() {
    let mut s = with_cr();
    let out = s.run("kubectl get ct my-new-cron-object -o jsonpath='{.spec.replicas}'");
    assert_eq!(out.stdout, "1");
}

#[test]
fn patch_label_annotate_edit_and_delete_custom_resources() {
    let mut s = with_cr();
    let out =
        s.run(r#"kubectl patch ct my-new-cron-object --type=merge -p '{"spec":{"replicas":3}}'"#);
    assert_eq!(
        out.stdout, "crontab.stable.example.com/my-new-cron-object patched\n",
        "{}",
        out.stderr
    );
    let out = s.run(r#"kubectl patch ct my-new-cron-object --type=json -p '[{"op":"replace","path":"/spec/image","value":"v2"}]'"#);
    assert_eq!(
        out.stdout, "crontab.stable.example.com/my-new-cron-object patched\n",
        "{}",
        out.stderr
    );
    let out = s.run(r#"kubectl patch ct my-new-cron-object -p '{"spec":{"replicas":4}}'"#);
    assert_eq!(out.stderr, "Error from server (UnsupportedMediaType): the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml\n");
    let out =
        s.run(r#"kubectl patch ct my-new-cron-object --type=merge -p '{"spec":{"replicas":30}}'"#);
    assert_eq!(out.stderr, "The CronTab \"my-new-cron-object\" is invalid: spec.replicas: Invalid value: 30: spec.replicas in body should be less than or equal to 10\n");
    assert_eq!(
        s.run("kubectl label ct my-new-cron-object tier=batch")
            .stdout,
        "crontab.stable.example.com/my-new-cron-object labeled\n"
    );
    assert_eq!(
        s.run("kubectl annotate crontab/my-new-cron-object owner=ops")
            .stdout,
        "crontab.stable.example.com/my-new-cron-object annotated\n"
    );
    let out = s.run("kubectl get ct -l tier=batch -o jsonpath='{.items[*].spec.replicas} {.items[*].spec.image}'");
    assert_eq!(out.stdout, "3 v2");
    let out = s.run("kubectl get ct -l tier=web");
    assert_eq!(out.stderr, "No resources found in default namespace.\n");
    let out = s.run("kubectl delete ct my-new-cron-object");
    assert_eq!(
        out.stdout,
        "crontab.stable.example.com \"my-new-cron-object\" deleted\n"
    );
}

#[test]
fn describe_shows_the_object() {
    let mut s = with_cr();
    let out = s.run("kubectl describe ct my-new-cron-object");
    assert!(
        out.stdout
            .starts_with("Name:         my-new-cron-object\nNamespace:    default\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("API Version:  stable.example.com/v1\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("Kind:         CronTab\n"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("  Cron Spec:  * * * * */5\n"),
        "{}",
        out.stdout
    );
    let out = s.run("kubectl describe crd crontabs.stable.example.com");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .starts_with("Name:         crontabs.stable.example.com\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn deleting_the_crd_deletes_its_objects_and_its_type() {
    let mut s = with_cr();
    let out = s.run("kubectl delete crd crontabs.stable.example.com");
    assert_eq!(
        out.stdout,
        "customresourcedefinition.apiextensions.k8s.io \"crontabs.stable.example.com\" deleted\n"
    );
    let out = s.run("kubectl get ct");
    assert_eq!(
        out.stderr,
        "error: the server doesn't have a resource type \"ct\"\n"
    );
    // Installing it again brings back the type, empty.
    assert_eq!(s.run("kubectl apply -f crd.yaml").code, 0);
    let out = s.run("kubectl get ct");
    assert_eq!(out.stderr, "No resources found in default namespace.\n");
}

#[test]
fn api_resources_and_api_versions_list_the_custom_type() {
    let mut s = with_crd();
    let out = s.run("kubectl api-resources --api-group=stable.example.com");
    assert_eq!(
        out.stdout,
        "NAME       SHORTNAMES   APIVERSION              NAMESPACED   KIND\ncrontabs   ct           stable.example.com/v1   true         CronTab\n"
    );
    let out = s.run("kubectl api-versions");
    assert!(
        out.stdout.contains("stable.example.com/v1\n"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_type_exists_only_in_the_cluster_that_has_the_crd() {
    let s = with_crd();
    let names: Vec<String> = s.world.clusters.keys().cloned().collect();
    let mut found = 0;
    for name in names {
        let c = &s.world.clusters[&name];
        if c.lookup_type("crontabs").is_some() {
            found += 1;
        }
    }
    assert_eq!(found, 1);
}

#[test]
fn invalid_crds_are_refused_with_the_servers_causes() {
    let mut s = session();
    write(
        &mut s,
        "bad.yaml",
        &CRD.replace(
            "  name: crontabs.stable.example.com",
            "  name: crontab.stable.example.com",
        ),
    );
    let out = s.run("kubectl apply -f bad.yaml");
    assert_eq!(out.stderr, "The CustomResourceDefinition \"crontab.stable.example.com\" is invalid: metadata.name: Invalid value: \"crontab.stable.example.com\": must be spec.names.plural+\".\"+spec.group\n");
    write(
        &mut s,
        "noschema.yaml",
        &CRD.replace(
            "      schema:\n        openAPIV3Schema:\n",
            "      x:\n        openAPIV3Schema:\n",
        ),
    );
    let out = s.run("kubectl apply -f noschema.yaml");
    assert!(
        out.stderr.contains("unknown field \"spec.versions[0].x\""),
        "{}",
        out.stderr
    );
    write(
        &mut s,
        "scope.yaml",
        &CRD.replace("scope: Namespaced", "scope: Global"),
    );
    let out = s.run("kubectl apply -f scope.yaml");
    assert_eq!(out.stderr, "The CustomResourceDefinition \"crontabs.stable.example.com\" is invalid: spec.scope: Unsupported value: \"Global\": supported values: \"Cluster\", \"Namespaced\"\n");
    write(
        &mut s,
        "twostore.yaml",
        &CRD.replace("storage: true", "storage: false"),
    );
    let out = s.run("kubectl apply -f twostore.yaml");
    assert!(
        out.stderr
            .ends_with(": must have exactly one version marked as storage version\n"),
        "{}",
        out.stderr
    );
}

#[test]
fn explain_uses_the_schema_descriptions() {
    let mut s = with_crd();
    let out = s.run("kubectl explain crontab.spec.image");
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(
        out.stdout
            .contains("GROUP:      stable.example.com\nKIND:       CronTab\nVERSION:    v1\n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("The image to run."), "{}", out.stdout);
}
