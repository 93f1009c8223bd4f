//! The elements of the connectivity diagram, typed: what a diagram line, a finding or an
//! account row opens, and what the element detail view shows. Nothing splits a string apart
//! to learn which element it names.

use super::views::connectivity::Place;
use super::widgets::clean;

/// One element of the on-premises → Athena → S3 picture.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Element {
    /// The on-premises side of an account region: its VPNs, Direct Connect links, internet.
    OnPrem(Place),
    /// A Site-to-Site VPN connection (its id).
    Vpn(String),
    /// One tunnel of a VPN connection, by its outside address.
    Tunnel { vpn: String, ip: String },
    /// A Direct Connect connection (its id).
    Dx(String),
    /// Direct Connect links of an account region that could not be read.
    DxErrors(Place),
    /// An account (the path of an account that was not entered, or its summary).
    Account(String),
    /// The public-internet path of an account region.
    Internet(Place),
    /// The VPC endpoints of an account region.
    Vpcs(Place),
    /// One VPC (its id).
    Vpc(String),
    /// The Athena interface endpoints of an account region.
    AthenaEndpoints(Place),
    /// The S3 endpoints of an account region.
    S3Endpoints(Place),
    /// The Athena workgroups of an account region.
    Athena(Place),
    /// The buckets of an account region.
    Buckets(Place),
    /// Every path to Athena of an account region.
    Paths(Place),
    /// One end-to-end path (its id in the evaluation).
    Path(String),
}

impl Element {
    /// What `y` copies: the element's own id (`vpn-…`, `dxcon-…`, `account/region`, …).
    pub fn id(&self) -> String {
        match self {
            Element::Vpn(id)
            | Element::Dx(id)
            | Element::Account(id)
            | Element::Vpc(id)
            | Element::Path(id) => id.clone(),
            Element::Tunnel { vpn, ip } => format!("{vpn}:{ip}"),
            Element::OnPrem(p)
            | Element::DxErrors(p)
            | Element::Internet(p)
            | Element::Vpcs(p)
            | Element::AthenaEndpoints(p)
            | Element::S3Endpoints(p)
            | Element::Athena(p)
            | Element::Buckets(p)
            | Element::Paths(p) => p.key(),
        }
    }

    /// The breadcrumb of the element's detail view.
    pub fn crumb(&self) -> String {
        match self {
            Element::Tunnel { ip, .. } => clean(&format!("tunnel {ip}")),
            e => clean(&e.id()),
        }
    }

    /// The VPN connection the element belongs to, for a VPN or one of its tunnels.
    pub fn vpn(&self) -> Option<&str> {
        match self {
            Element::Vpn(id) | Element::Tunnel { vpn: id, .. } => Some(id),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn place() -> Place {
        Place {
            account: "111122223333".into(),
            region: "us-east-1".into(),
        }
    }

    #[test]
    fn ids_and_crumbs_name_the_element_not_its_kind() {
        let cases = [
            (Element::Vpn("vpn-1".into()), "vpn-1", "vpn-1"),
            (
                Element::Tunnel {
                    vpn: "vpn-1".into(),
                    ip: "198.51.100.7".into(),
                },
                "vpn-1:198.51.100.7",
                "tunnel 198.51.100.7",
            ),
            (
                Element::Paths(place()),
                "111122223333/us-east-1",
                "111122223333/us-east-1",
            ),
            (
                Element::Account("444455556666".into()),
                "444455556666",
                "444455556666",
            ),
        ];
        for (e, id, crumb) in cases {
            assert_eq!(e.id(), id, "{e:?}");
            assert_eq!(e.crumb(), crumb, "{e:?}");
        }
    }

    #[test]
    fn hostile_ids_are_cleaned_in_crumbs() {
        let e = Element::Vpc("vpc-\u{1b}[31mred".into());
        assert!(!e.crumb().contains('\u{1b}'));
    }
}
