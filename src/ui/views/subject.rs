//! What the cursor is on, whatever the view (a detail view's own resource, or the selected
//! line of a list or document), and the three ways to take it elsewhere: its ARN (`Y`), its
//! record as JSON (`J`) and its page in the AWS console (`o`).

use super::super::app::{App, Link};
use super::super::element::Element;
use crate::model::EndpointService;
use crate::model::Partition;
use crate::store::State;

/// The resource the current view is about, or its selected line's.
pub fn subject(app: &App, state: &State) -> Option<Link> {
    app.view()
        .page()
        .subject()
        .or_else(|| app.selected_link(state))
}

fn partition(state: &State, account: &str) -> Partition {
    state
        .estate
        .accounts
        .iter()
        .find(|a| a.id == account)
        .map(|a| a.partition)
        .unwrap_or_default()
}

/// The ARN of `link`'s resource, when it has one.
pub fn arn(app: &App, state: &State, link: &Link) -> Option<String> {
    match link {
        Link::Bucket(name) => {
            let b = state.bucket(name)?;
            Some(format!(
                "arn:{}:s3:::{}",
                partition(state, &b.account_id),
                b.name
            ))
        }
        Link::Workgroup(key) => super::workgroup_detail::arn(state, key),
        Link::Finding(id) => app
            .evaluation()?
            .finding(id)?
            .resource
            .arn
            .as_deref()
            .map(str::to_string),
        Link::TrafficClient(i) => {
            let c = super::traffic::client(state, *i)?;
            c.principal.starts_with("arn:").then(|| c.principal.clone())
        }
        _ => None,
    }
}

/// `link`'s record as the snapshot and reports write it.
pub fn json(app: &App, state: &State, link: &Link) -> Option<String> {
    let value = match link {
        Link::Bucket(name) => serde_json::to_value(state.bucket(name)?),
        Link::Workgroup(key) => serde_json::to_value(super::workgroups::find(state, key)?),
        Link::Finding(id) => serde_json::to_value(app.evaluation()?.finding(id)?),
        Link::TrafficClient(i) => serde_json::to_value(super::traffic::client(state, *i)?),
        Link::Error(i) => serde_json::to_value(super::errors::error(state, *i)?),
        _ => return None,
    };
    value
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
}

/// The console's host for a service in `region` of `partition`.
fn console(partition: Partition, region: &str) -> String {
    match partition {
        Partition::Aws => format!("https://{region}.console.aws.amazon.com"),
        Partition::AwsUsGov => format!("https://{region}.console.amazonaws-us-gov.com"),
        Partition::AwsCn => format!("https://{region}.console.amazonaws.cn"),
    }
}

/// The AWS console page of `link`'s resource.
pub fn console_url(app: &App, state: &State, link: &Link) -> Option<String> {
    match link {
        Link::Bucket(name) => {
            let b = state.bucket(name)?;
            let host = console(partition(state, &b.account_id), &b.region);
            Some(format!(
                "{host}/s3/buckets/{}?region={}&tab=permissions",
                b.name, b.region
            ))
        }
        Link::Workgroup(key) => {
            let w = super::workgroups::find(state, key)?;
            let host = console(partition(state, &w.account_id), &w.region);
            Some(format!(
                "{host}/athena/home?region={}#/workgroups/details/{}",
                w.region, w.name
            ))
        }
        Link::Finding(id) => {
            let f = app.evaluation()?.finding(id)?;
            match f.resource.kind {
                crate::compliance::ResourceKind::S3Bucket => {
                    console_url(app, state, &Link::Bucket(f.resource.id.to_string()))
                }
                crate::compliance::ResourceKind::AthenaWorkgroup => {
                    console_url(app, state, &Link::Workgroup(f.resource.id.to_string()))
                }
                _ => None,
            }
        }
        Link::Element(id) => element_url(state, id),
        _ => None,
    }
}

/// VPN connections (and their tunnels), Direct Connect links and VPC endpoints.
fn element_url(state: &State, element: &Element) -> Option<String> {
    let c = &state.estate.connectivity;
    if let Some(vpn) = element.vpn() {
        let v = c.vpn_connections.iter().find(|v| v.id == vpn)?;
        let host = console(partition(state, &v.account_id), &v.region);
        return Some(format!(
            "{host}/vpcconsole/home?region={}#VpnConnectionDetails:VpnConnectionId={}",
            v.region, v.id
        ));
    }
    match element {
        Element::Dx(id) => {
            let d = c.dx_connections.iter().find(|d| d.id == *id)?;
            let host = console(partition(state, &d.account_id), &d.region);
            Some(format!(
                "{host}/directconnect/v2/home?region={}#/connections/{}",
                d.region, d.id
            ))
        }
        Element::AthenaEndpoints(p) | Element::S3Endpoints(p) => {
            let service = match element {
                Element::AthenaEndpoints(_) => EndpointService::Athena,
                _ => EndpointService::S3,
            };
            // The console page of the region's one endpoint of the service; none for several.
            let mut eps = super::connectivity::endpoints(state, p, service).into_iter();
            let e = eps.next().filter(|_| eps.next().is_none())?;
            let host = console(partition(state, &e.account_id), &e.region);
            Some(format!(
                "{host}/vpcconsole/home?region={}#EndpointDetails:vpcEndpointId={}",
                e.region, e.id
            ))
        }
        _ => None,
    }
}
