//! Compiles the vendored SAPIENT `.proto` files without a system `protoc`:
//! protox parses them into a `FileDescriptorSet`, prost-build generates the Rust types, and
//! the BSI Flex 335 validation code is generated from the schema's own `field_options`
//! (`is_mandatory`, `is_ulid`, `is_uuid`) so the rules cannot drift from the schema.

use prost_reflect::{DescriptorPool, FieldDescriptor, Kind, MessageDescriptor, Value};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

#[path = "build_wire.rs"]
mod build_wire;

const PKG: &str = "sapient_msg.bsi_flex_335_v2_0";

/// Rules the schema options cannot express, found in Dstl's harness validators
/// (`CommonValidator.BeAValidScalar`, `RegistrationValidator`, `ErrorValidator`): applied by
/// both generated validators through the shared checks in `src/rules.rs`.
///
/// Fields that hold a 0..=1 confidence, ranking or probability.
const UNIT_INTERVAL: &[&str] = &[
    "DetectionReport.detection_confidence",
    "DetectionReport.DetectionReportClassification.confidence",
    "DetectionReport.SubClass.confidence",
    "DetectionReport.Behaviour.confidence",
    "Alert.ranking",
    "Alert.confidence",
];
/// String fields that must be UUIDs although the schema does not mark them.
const EXTRA_UUID: &[&str] = &["Registration.dependent_nodes"];
/// Repeated strings that need at least one non-blank entry.
pub(crate) const NON_BLANK_LISTS: &[&str] = &["sapient_msg.bsi_flex_335_v2_0.Error.error_message"];

fn rel_name(full: &str) -> &str {
    full.strip_prefix(PKG)
        .and_then(|s| s.strip_prefix('.'))
        .unwrap_or(full)
}

/// Struct-side calls of the extra rules for `message`.
fn extra_rules_struct(code: &mut String, message: &MessageDescriptor) -> BuildResult<()> {
    for field in message.fields() {
        let rel = rel_name(field.full_name());
        let (name, id) = (field.name(), snake(field.name()));
        if UNIT_INTERVAL.contains(&rel) {
            writeln!(
                code,
                "        check_unit_interval(ctx, \"{name}\", self.{id});"
            )?;
        }
        if rel == "Registration.icd_version" {
            writeln!(
                code,
                "        check_icd_version(ctx, self.{id}.as_deref());"
            )?;
        }
        if NON_BLANK_LISTS.contains(&field.full_name()) {
            writeln!(
                code,
                "        if self.{id}.iter().all(|s| s.trim().is_empty()) {{ ctx.error(Rule::Mandatory, \"{name}\"); }}"
            )?;
        }
    }
    if rel_name(message.full_name()) == "Location" {
        writeln!(
            code,
            "        check_lat_lon(ctx, self.coordinate_system, self.x, self.y);"
        )?;
    }
    Ok(())
}

/// Wire-side calls of the same rules, on the walk's slots (`f<number>`).
pub(crate) fn extra_rules_wire(
    code: &mut String,
    message: &MessageDescriptor,
    _package: &str,
) -> BuildResult<()> {
    let slot = |name: &str| {
        message
            .get_field_by_name(name)
            .map(|f| format!("f{}", f.number()))
    };
    for field in message.fields() {
        let rel = rel_name(field.full_name());
        let (name, n) = (field.name(), field.number());
        if UNIT_INTERVAL.contains(&rel) {
            writeln!(code, "    check_unit_interval(ctx, \"{name}\", f{n});")?;
        }
        if rel == "Registration.icd_version" {
            writeln!(code, "    check_icd_version(ctx, f{n});")?;
        }
        if NON_BLANK_LISTS.contains(&field.full_name()) {
            writeln!(
                code,
                "    if !nonblank_f{n} {{ ctx.error(Rule::Mandatory, \"{name}\"); }}"
            )?;
        }
    }
    if rel_name(message.full_name()) == "Location" {
        let (cs, x, y) = (slot("coordinate_system"), slot("x"), slot("y"));
        if let (Some(cs), Some(x), Some(y)) = (cs, x, y) {
            writeln!(code, "    check_lat_lon(ctx, {cs}, {x}, {y});")?;
        }
    }
    Ok(())
}

type BuildResult<T> = Result<T, Box<dyn std::error::Error>>;

fn main() -> BuildResult<()> {
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    println!("cargo:rerun-if-changed=proto");
    println!("cargo:rerun-if-changed=build.rs");
    let v2 = compile(
        "proto/proto_v2_0",
        "sapient_msg/bsi_flex_335_v2_0",
        &out.join("v2_0"),
    )?;
    std::fs::write(out.join("v2_0/validate.rs"), generate_validation(&v2, PKG)?)?;
    std::fs::write(out.join("v2_0/wire.rs"), build_wire::generate(&v2, PKG)?)?;
    compile("proto/proto_v1_0", "sapient_msg", &out.join("v1_0"))?;
    Ok(())
}

/// Compiles every `.proto` under `root/dir` and writes the Rust code and the encoded
/// descriptor set (for JSON through prost-reflect) into `out`.
fn compile(root: &str, dir: &str, out: &Path) -> BuildResult<DescriptorPool> {
    std::fs::create_dir_all(out)?;
    let mut files: Vec<String> = std::fs::read_dir(Path::new(root).join(dir))?
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".proto"))
        .map(|n| format!("{dir}/{n}"))
        .collect();
    files.sort();
    let mut compiler = protox::Compiler::new([root])?;
    compiler.include_imports(true).include_source_info(false);
    compiler.open_files(&files)?;
    std::fs::write(
        out.join("descriptor.bin"),
        compiler.encode_file_descriptor_set(),
    )?;
    let mut config = prost_build::Config::new();
    config.out_dir(out);
    // The schema's comments hold indented ASCII art that rustdoc would run as doctests; the
    // `.proto` files in `proto/` are the documentation.
    config.disable_comments(["."]);
    config.compile_fds(compiler.file_descriptor_set())?;
    Ok(compiler.descriptor_pool())
}

/// The extension `sapient_msg.ValidationOptions` flags set on a field or oneof.
#[derive(Default)]
pub(crate) struct Flags {
    pub(crate) mandatory: bool,
    pub(crate) ulid: bool,
    pub(crate) uuid: bool,
}

/// A field's flags from the schema, plus the harness-only UUID fields.
pub(crate) fn field_flags(field: &FieldDescriptor, pool: &DescriptorPool) -> Flags {
    let mut f = flags(&field.options(), pool, "sapient_msg.field_options");
    if EXTRA_UUID.contains(&rel_name(field.full_name())) {
        f.uuid = true;
    }
    f
}

pub(crate) fn flags(
    options: &prost_reflect::DynamicMessage,
    pool: &DescriptorPool,
    ext: &str,
) -> Flags {
    let Some(ext) = pool.get_extension_by_name(ext) else {
        return Flags::default();
    };
    if !options.has_extension(&ext) {
        return Flags::default();
    }
    let value = options.get_extension(&ext);
    let Value::Message(m) = value.as_ref() else {
        return Flags::default();
    };
    let get = |name: &str| {
        matches!(
            m.get_field_by_name(name).as_deref(),
            Some(Value::Bool(true))
        )
    };
    Flags {
        mandatory: get("is_mandatory"),
        ulid: get("is_ulid"),
        uuid: get("is_uuid"),
    }
}

pub(crate) fn snake(name: &str) -> String {
    let s = heck::ToSnakeCase::to_snake_case(name);
    match s.as_str() {
        "type" | "ref" | "self" | "move" | "match" | "loop" | "fn" | "mod" | "use" => {
            format!("r#{s}")
        }
        _ => s,
    }
}

fn camel(name: &str) -> String {
    heck::ToUpperCamelCase::to_upper_camel_case(name)
}

/// Rust path (from the package module) of a message or enum given its full proto name.
fn rust_path(full_name: &str, package: &str) -> String {
    let rel = full_name
        .strip_prefix(package)
        .and_then(|s| s.strip_prefix('.'))
        .unwrap_or(full_name);
    let parts: Vec<&str> = rel.split('.').collect();
    let mut path: Vec<String> = parts[..parts.len() - 1].iter().map(|p| snake(p)).collect();
    path.push(camel(parts[parts.len() - 1]));
    format!("pkg::{}", path.join("::"))
}

/// Rust path of the module holding a message's nested types (and oneof enums).
fn module_path(message: &MessageDescriptor, package: &str) -> String {
    let rel = message
        .full_name()
        .strip_prefix(package)
        .and_then(|s| s.strip_prefix('.'))
        .unwrap_or(message.full_name());
    let parts: Vec<String> = rel.split('.').map(snake).collect();
    format!("pkg::{}", parts.join("::"))
}

fn generate_validation(pool: &DescriptorPool, package: &str) -> BuildResult<String> {
    let mut code = String::from("// Generated by build.rs from the schema's field_options.\n");
    for message in pool.all_messages() {
        if message.package_name() != package {
            continue;
        }
        let ty = rust_path(message.full_name(), package);
        writeln!(code, "impl Validate for {ty} {{")?;
        writeln!(code, "    fn validate_into(&self, ctx: &mut Ctx) {{")?;
        for field in message.fields() {
            if field.containing_oneof().is_some_and(|o| !o.is_synthetic()) {
                continue;
            }
            let f = field_flags(&field, pool);
            field_code(&mut code, &field, &f, package)?;
        }
        for oneof in message.oneofs().filter(|o| !o.is_synthetic()) {
            oneof_code(&mut code, &message, &oneof, pool, package)?;
        }
        extra_rules_struct(&mut code, &message)?;
        writeln!(code, "    }}\n}}")?;
    }
    Ok(code)
}

fn field_code(
    code: &mut String,
    field: &FieldDescriptor,
    f: &Flags,
    package: &str,
) -> BuildResult<()> {
    let name = field.name();
    let id = snake(name);
    let presence = field.supports_presence();
    if field.is_list() {
        if f.mandatory {
            writeln!(
                code,
                "        if self.{id}.is_empty() {{ ctx.error(Rule::Mandatory, \"{name}\"); }}"
            )?;
        }
        let check = value_check(field, f, package, "v");
        if !check.is_empty() {
            writeln!(
                code,
                "        for (i, v) in self.{id}.iter().enumerate() {{ ctx.enter_index(\"{name}\", i); {check} ctx.leave(); }}"
            )?;
        }
        return Ok(());
    }
    if f.mandatory {
        let missing = match (field.kind(), presence) {
            (Kind::String, true) => {
                format!("self.{id}.as_deref().is_none_or(|s| s.trim().is_empty())")
            }
            (Kind::String, false) => format!("self.{id}.trim().is_empty()"),
            (Kind::Enum(_), true) => format!("self.{id}.unwrap_or(0) == 0"),
            (Kind::Bytes, true) => format!("self.{id}.as_ref().is_none_or(|b| b.is_empty())"),
            (Kind::Enum(_), false) => format!("self.{id} == 0"),
            (_, true) => format!("self.{id}.is_none()"),
            (_, false) => "false".to_owned(),
        };
        writeln!(
            code,
            "        if {missing} {{ ctx.error(Rule::Mandatory, \"{name}\"); }}"
        )?;
    }
    let check = value_check(field, f, package, "v");
    if !check.is_empty() {
        let bind = if presence {
            format!("if let Some(v) = &self.{id}")
        } else {
            format!("{{ let v = &self.{id};")
        };
        let close = if presence { "" } else { "}" };
        writeln!(
            code,
            "        {bind} {{ ctx.enter(\"{name}\"); {check} ctx.leave(); }}{close}"
        )?;
    }
    Ok(())
}

/// Checks on one value `v` (a reference) of a field; empty when the field has none.
fn value_check(field: &FieldDescriptor, f: &Flags, package: &str, v: &str) -> String {
    match field.kind() {
        Kind::Message(m) if m.full_name() == "google.protobuf.Timestamp" => {
            format!("check_timestamp(ctx, {v});")
        }
        Kind::Message(m) if m.package_name() == package => format!("{v}.validate_into(ctx);"),
        Kind::String if f.ulid => format!("check_ulid(ctx, {v});"),
        Kind::String if f.uuid => format!("check_uuid(ctx, {v});"),
        Kind::Enum(e) => {
            let ty = rust_path(e.full_name(), package);
            format!("check_enum(ctx, {ty}::try_from(*{v}).is_ok());")
        }
        Kind::Double => format!("check_finite(ctx, *{v});"),
        Kind::Float => format!("check_finite(ctx, f64::from(*{v}));"),
        _ => String::new(),
    }
}

fn oneof_code(
    code: &mut String,
    message: &MessageDescriptor,
    oneof: &prost_reflect::OneofDescriptor,
    pool: &DescriptorPool,
    package: &str,
) -> BuildResult<()> {
    let name = oneof.name();
    let id = snake(name);
    let enum_ty = format!("{}::{}", module_path(message, package), camel(name));
    if flags(&oneof.options(), pool, "sapient_msg.oneof_options").mandatory {
        writeln!(
            code,
            "        if self.{id}.is_none() {{ ctx.error(Rule::Mandatory, \"{name}\"); }}"
        )?;
    }
    writeln!(code, "        match &self.{id} {{")?;
    for field in oneof.fields() {
        let f = field_flags(&field, pool);
        let check = value_check(&field, &f, package, "v");
        if check.is_empty() {
            continue;
        }
        let (fname, variant) = (field.name(), camel(field.name()));
        writeln!(
            code,
            "            Some({enum_ty}::{variant}(v)) => {{ ctx.enter(\"{fname}\"); {check} ctx.leave(); }}"
        )?;
    }
    writeln!(code, "            _ => {{}}\n        }}")?;
    Ok(())
}
