//! OceanBase tenant users: `user@tenant` and `user@tenant#cluster`.
//!
//! On an OceanBase cluster (through OBProxy) the login names the tenant, and the
//! cluster when the proxy serves several; seekdb has one tenant, `sys`, so `root@sys`
//! works there too. In a URL the `@` and `#` of such a user are percent-encoded
//! (`root%40tenant%23cluster`); [`ConnectionUrl::parse`] also takes them written
//! plainly (`mysql://root@tenant#cluster:pw@host:2881/db`) and encodes them first.

use super::ConnectionUrl;
use crate::error::{Error, Result};

/// The login `user@tenant` or `user@tenant#cluster`, after checking that no part
/// holds a separator (a user named `a@b` would be read as a tenant).
///
/// ```
/// use diesel_seekdb::client::{tenant_user, ConnectionUrl};
/// let user = tenant_user("app", "prod_tenant", Some("obcluster"))?;
/// assert_eq!(user, "app@prod_tenant#obcluster");
/// let url = ConnectionUrl::from_parts("10.0.0.5:2883", &user, "pw", "docs")?;
/// assert_eq!(url.tenant(), Some("prod_tenant"));
/// assert_eq!(url.cluster(), Some("obcluster"));
/// assert_eq!(url.to_string(), "mysql://app%40prod_tenant%23obcluster@10.0.0.5:2883/docs");
/// # Ok::<(), diesel_seekdb::Error>(())
/// ```
pub fn tenant_user(user: &str, tenant: &str, cluster: Option<&str>) -> Result<String> {
    for (parameter, part) in [("user", user), ("tenant", tenant)]
        .into_iter()
        .chain(cluster.map(|c| ("cluster", c)))
    {
        if part.is_empty() {
            return Err(Error::validation(parameter, "is empty"));
        }
        if part.contains(['@', '#', ':']) {
            return Err(Error::validation(
                parameter,
                format!("`{part}` holds `@`, `#` or `:`, which separate the login's parts"),
            ));
        }
    }
    Ok(match cluster {
        Some(cluster) => format!("{user}@{tenant}#{cluster}"),
        None => format!("{user}@{tenant}"),
    })
}

/// `url` with a plainly written `@` and `#` of the user part percent-encoded, so the
/// URL parser sees one `@` (before the host) and no fragment.
pub(super) fn encode_tenant_user(url: &str) -> std::borrow::Cow<'_, str> {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.into();
    };
    let rest = &url[scheme_end..];
    // The authority ends at the path or query; a user or password holding `/` or `?`
    // must be encoded.
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    let Some(at) = authority.rfind('@') else {
        return url.into();
    };
    let userinfo = &authority[..at];
    if !userinfo.contains(['@', '#']) {
        return url.into();
    }
    // Only the user (before the password's `:`) may hold a tenant.
    let (user, password) = match userinfo.split_once(':') {
        Some((u, p)) => (u, Some(p)),
        None => (userinfo, None),
    };
    let mut out = String::with_capacity(url.len() + 8);
    out.push_str(&url[..scheme_end]);
    out.push_str(&user.replace('@', "%40").replace('#', "%23"));
    if let Some(p) = password {
        out.push(':');
        out.push_str(&p.replace('@', "%40").replace('#', "%23"));
    }
    out.push_str(&rest[at..]);
    out.into()
}

impl ConnectionUrl {
    /// The user without tenant and cluster (`app` of `app@prod#obcluster`).
    pub fn user_name(&self) -> &str {
        self.user
            .split_once('@')
            .map_or(self.user.as_str(), |(u, _)| u)
    }

    /// The OceanBase tenant the login names, if any (`prod` of `app@prod#obcluster`).
    pub fn tenant(&self) -> Option<&str> {
        let (_, rest) = self.user.split_once('@')?;
        Some(rest.split_once('#').map_or(rest, |(t, _)| t)).filter(|t| !t.is_empty())
    }

    /// The OceanBase cluster the login names, if any (`obcluster`).
    pub fn cluster(&self) -> Option<&str> {
        let (_, rest) = self.user.split_once('@')?;
        rest.split_once('#')
            .map(|(_, c)| c)
            .filter(|c| !c.is_empty())
    }
}
