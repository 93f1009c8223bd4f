//! What a Site-to-Site VPN tunnel permits, and which of it is weak. One rule, used by the
//! compliance check, the console and the text overview alike.
//!
//! What a tunnel *permits* is judged, not what it negotiated last: a tunnel that allows SHA-1
//! can be brought down to SHA-1 by the customer gateway's proposal. An empty option list means
//! AWS's defaults, which permit SHA-1, Diffie-Hellman group 2 and IKEv1.

use super::VpnTunnel;

/// What AWS permits when a tunnel option list is left empty.
pub const DEFAULT_INTEGRITY: &[&str] = &["SHA1", "SHA2-256", "SHA2-384", "SHA2-512"];
pub const DEFAULT_ENCRYPTION: &[&str] = &["AES128", "AES256", "AES128-GCM-16", "AES256-GCM-16"];
pub const DEFAULT_PHASE1_DH: &[u32] = &[2, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24];
pub const DEFAULT_PHASE2_DH: &[u32] = &[2, 5, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24];
pub const DEFAULT_IKE: &[&str] = &["ikev1", "ikev2"];

/// One option list as it applies: the tunnel's own, or AWS's default when it set none.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Effective<T> {
    pub values: Vec<T>,
    pub aws_default: bool,
}

fn strings(list: &[String], default: &[&str]) -> Effective<String> {
    if list.is_empty() {
        Effective {
            values: default.iter().map(|s| s.to_string()).collect(),
            aws_default: true,
        }
    } else {
        Effective {
            values: list.to_vec(),
            aws_default: false,
        }
    }
}

fn groups(list: &[u32], default: &[u32]) -> Effective<u32> {
    Effective {
        values: if list.is_empty() {
            default.to_vec()
        } else {
            list.to_vec()
        },
        aws_default: list.is_empty(),
    }
}

/// Every option list of a tunnel as it applies.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TunnelOptions {
    pub ike_versions: Effective<String>,
    pub phase1_encryption: Effective<String>,
    pub phase1_integrity: Effective<String>,
    pub phase1_dh_groups: Effective<u32>,
    pub phase2_encryption: Effective<String>,
    pub phase2_integrity: Effective<String>,
    pub phase2_dh_groups: Effective<u32>,
}

/// A weakness a tunnel permits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Weakness {
    /// A label for tight places: `SHA1`, `DH 2`, `IKEv1`, `3DES`.
    pub short: String,
    /// A sentence: `phase 1 permits SHA1 integrity`.
    pub detail: String,
    /// Serious weaknesses fail a control; the others (IKEv1 allowed) make it partial.
    pub serious: bool,
}

fn weak_integrity(a: &str) -> bool {
    let a = a.to_ascii_uppercase().replace('-', "");
    a == "SHA1" || a == "MD5" || a.starts_with("HMACSHA1") || a.starts_with("HMACMD5")
}

fn weak_encryption(a: &str) -> bool {
    a.to_ascii_uppercase().contains("DES")
}

impl VpnTunnel {
    pub fn options(&self) -> TunnelOptions {
        TunnelOptions {
            ike_versions: strings(&self.ike_versions, DEFAULT_IKE),
            phase1_encryption: strings(&self.phase1_encryption, DEFAULT_ENCRYPTION),
            phase1_integrity: strings(&self.phase1_integrity, DEFAULT_INTEGRITY),
            phase1_dh_groups: groups(&self.phase1_dh_groups, DEFAULT_PHASE1_DH),
            phase2_encryption: strings(&self.phase2_encryption, DEFAULT_ENCRYPTION),
            phase2_integrity: strings(&self.phase2_integrity, DEFAULT_INTEGRITY),
            phase2_dh_groups: groups(&self.phase2_dh_groups, DEFAULT_PHASE2_DH),
        }
    }

    pub fn is_up(&self) -> bool {
        self.status.eq_ignore_ascii_case("UP")
    }

    /// Every weakness the tunnel permits, serious ones first.
    pub fn weaknesses(&self) -> Vec<Weakness> {
        let o = self.options();
        let mut out = Vec::new();
        let mut push = |short: String, detail: String, serious: bool| {
            if !out.iter().any(|w: &Weakness| w.detail == detail) {
                out.push(Weakness {
                    short,
                    detail,
                    serious,
                });
            }
        };
        for (phase, list) in [
            ("phase 1", &o.phase1_integrity),
            ("phase 2", &o.phase2_integrity),
        ] {
            for a in list.values.iter().filter(|a| weak_integrity(a)) {
                push(
                    a.to_ascii_uppercase(),
                    format!("{phase} permits {a} integrity"),
                    true,
                );
            }
        }
        for (phase, list) in [
            ("phase 1", &o.phase1_dh_groups),
            ("phase 2", &o.phase2_dh_groups),
        ] {
            for g in list.values.iter().filter(|g| **g < 14) {
                push(
                    format!("DH {g}"),
                    format!("{phase} permits Diffie-Hellman group {g} (below 14)"),
                    true,
                );
            }
        }
        for (phase, list) in [
            ("phase 1", &o.phase1_encryption),
            ("phase 2", &o.phase2_encryption),
        ] {
            for a in list.values.iter().filter(|a| weak_encryption(a)) {
                push(
                    a.to_ascii_uppercase(),
                    format!("{phase} permits {a} encryption"),
                    true,
                );
            }
        }
        if o.ike_versions
            .values
            .iter()
            .any(|v| v.eq_ignore_ascii_case("ikev1"))
        {
            push("IKEv1".to_string(), "IKEv1 is allowed".to_string(), false);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_weak_and_explicit_strong_lists_are_not() {
        let defaults = VpnTunnel::default();
        let w = defaults.weaknesses();
        assert!(w.iter().any(|w| w.short == "SHA1" && w.serious));
        assert!(w.iter().any(|w| w.short == "DH 2"));
        assert!(w.iter().any(|w| w.short == "IKEv1" && !w.serious));
        let strong = VpnTunnel {
            ike_versions: vec!["ikev2".into()],
            phase1_encryption: vec!["AES256-GCM-16".into()],
            phase1_integrity: vec!["SHA2-256".into()],
            phase1_dh_groups: vec![20],
            phase2_encryption: vec!["AES256-GCM-16".into()],
            phase2_integrity: vec!["SHA2-256".into()],
            phase2_dh_groups: vec![20],
            ..VpnTunnel::default()
        };
        assert!(strong.weaknesses().is_empty());
    }
}
