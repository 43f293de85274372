//! Checks of a site file beyond its syntax: names, addresses, formats against kinds, tokens.

use super::*;

/// Checks what the types cannot: the site's id, origin and time windows, each sensor (unique
/// names, listeners, formats that fit kinds, authentication by configured tokens), storage,
/// outputs and token roles. The first problem is returned with its section and reason.
pub(super) fn validate(f: &SiteFile, file: &str) -> Result<(), ConfigError> {
    let error = |section: String, reason: String| ConfigError {
        file: file.to_owned(),
        section,
        reason,
    };
    let s = &f.site;
    if s.id.is_empty()
        || !s
            .id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(error(
            "site".into(),
            format!(
                "id {:?} must be letters, digits, '-' or '_' (it appears in URLs)",
                s.id
            ),
        ));
    }
    if !s.origin.is_valid() {
        return Err(error(
            "site".into(),
            "origin is not a valid latitude/longitude/altitude".into(),
        ));
    }
    if !(0.0..=10.0).contains(&s.reorder_window_s) {
        return Err(error(
            "site".into(),
            "reorder_window_s must be between 0 and 10 seconds".into(),
        ));
    }
    if !(0.0..=1.0).contains(&s.step_quantum_s) || !(0.0..=1.0).contains(&s.late_window_s) {
        return Err(error(
            "site".into(),
            "step_quantum_s and late_window_s must be between 0 and 1 second".into(),
        ));
    }
    if s.queue_capacity == 0 {
        return Err(error(
            "site".into(),
            "queue_capacity must be at least 1".into(),
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    for (i, sensor) in f.sensor.iter().enumerate() {
        validate_sensor(sensor, i, &mut seen)
            .map_err(|r| error(format!("sensor[{i}] {:?}", sensor.name), r))?;
    }
    if f.sensor.len() >= usize::from(crate::CONTROL_SENSOR.0) {
        return Err(error("sensor".into(), "too many sensors".into()));
    }
    if let Some(d) = &f.storage.durability
        && !matches!(d.as_str(), "power_loss" | "process_crash")
    {
        return Err(error(
            "storage".into(),
            format!("durability {d:?}: write power_loss or process_crash"),
        ));
    }
    for (i, sensor) in f.sensor.iter().enumerate() {
        validate_sensor_auth(sensor, &f.auth)
            .map_err(|r| error(format!("sensor[{i}] {:?}", sensor.name), r))?;
    }
    if let Some(api) = &f.api
        && api.tls_cert.is_some() != api.tls_key.is_some()
    {
        return Err(error(
            "api".into(),
            "give both tls_cert and tls_key (PEM files), or neither".into(),
        ));
    }
    for (i, o) in f.output.iter().enumerate() {
        if let OutputConfig::Webhook { url, .. } = o
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            return Err(error(
                format!("output[{i}]"),
                "webhook url must start with https:// (or http://)".into(),
            ));
        }
    }
    for (i, t) in f.auth.token.iter().enumerate() {
        if !matches!(t.role.as_str(), "viewer" | "operator" | "admin" | "sensor") {
            return Err(error(
                format!("auth.token[{i}] {:?}", t.name),
                format!("role {:?}: write viewer, operator, admin or sensor", t.role),
            ));
        }
        if t.sha256.len() != 64 || !t.sha256.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(error(
                format!("auth.token[{i}] {:?}", t.name),
                "sha256 must be 64 hex digits (the SHA-256 of the token, never the token)".into(),
            ));
        }
    }
    Ok(())
}

fn validate_sensor(
    s: &SensorConfig,
    _index: usize,
    seen: &mut std::collections::BTreeSet<String>,
) -> Result<(), String> {
    if s.name.is_empty() || !seen.insert(s.name.clone()) {
        return Err("name must be present and unique within the site".into());
    }
    let format: Format = s
        .format
        .parse()
        .map_err(|e: picket_formats::UnknownFormat| e.to_string())?;
    if format == Format::Capture {
        return Err(
            "a capture is not a live format: use `picket replay` or `picket decode`".into(),
        );
    }
    if !s.position.iter().all(|v| v.is_finite()) {
        return Err("position must be three finite numbers [east, north, up] in metres".into());
    }
    match (&s.listen, &s.connect) {
        (Some(_), Some(_)) => {
            return Err(
                "give either listen (picket listens) or connect (picket connects), not both".into(),
            );
        }
        (None, None) if format != Format::JsonDetections => {
            return Err("give listen = { protocol, bind } or connect = \"host:port\"".into());
        }
        _ => {}
    }
    if s.connect.is_some() && !matches!(format, Format::Beast | Format::Avr) {
        return Err(
            "connect (a TCP client) is for beast or avr feeds; use listen for other formats".into(),
        );
    }
    if let Some(l) = &s.listen {
        let ok = match (format, l.protocol) {
            (Format::Sapient, Protocol::Tcp) => true,
            (Format::Sapient, Protocol::Udp) => false,
            (Format::Asterix | Format::RemoteId | Format::JsonDetections, _) => true,
            (Format::Beast | Format::Avr, Protocol::Tcp) => true,
            _ => false,
        };
        if !ok {
            return Err(format!(
                "{} cannot be received over {:?}: SAPIENT and Beast/AVR need tcp",
                format, l.protocol
            ));
        }
        if l.max_connections == 0 {
            return Err("listen.max_connections must be at least 1".into());
        }
    }
    if !(s.stale_after_s > 0.0 && s.read_timeout_s > 0.0) {
        return Err("stale_after_s and read_timeout_s must be positive".into());
    }
    if !(16..=16 << 20).contains(&s.max_frame_bytes) {
        return Err("max_frame_bytes must be between 16 and 16777216".into());
    }
    Ok(())
}

fn validate_sensor_auth(s: &SensorConfig, auth: &AuthConfig) -> Result<(), String> {
    for a in &s.allow_from {
        crate::auth::parse_net(a)?;
    }
    let Some(name) = &s.token else {
        return Ok(());
    };
    if let Some(t) = auth.token.iter().find(|t| &t.name == name)
        && t.role != "sensor"
    {
        return Err(format!(
            "token {name:?} has role {:?}; a sensor's token needs role sensor",
            t.role
        ));
    }
    if auth.tokens_file.is_none() && !auth.token.iter().any(|t| &t.name == name) {
        return Err(format!("token {name:?} is not in [auth]"));
    }
    let udp = s
        .listen
        .as_ref()
        .is_some_and(|l| l.protocol == Protocol::Udp);
    if udp && s.allow_from.is_empty() {
        return Err(
            "UDP datagrams carry no token: give allow_from = [\"address or network\", ...]".into(),
        );
    }
    Ok(())
}
