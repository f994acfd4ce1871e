//! Links between parties: supply, partnership, reseller relationship, admin relationship and purchase.

use super::{Date, LinkId, PartyId, SharedText};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a link means in the program. Links point from the supplying side to the buying side.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LinkKind {
    /// Microsoft sells to an indirect provider or a direct-bill partner.
    Supply,
    /// An indirect provider works with an indirect reseller (accepted or pending).
    Partnership,
    /// A partner's reseller relationship with a customer's tenant.
    Reseller,
    /// A partner manages a customer's subscriptions (GDAP).
    Admin,
    /// A customer buys an offer from a seller.
    Purchase,
}

impl LinkKind {
    /// Every kind, in the order the UI lists them.
    pub const ALL: [LinkKind; 5] = [
        LinkKind::Supply,
        LinkKind::Partnership,
        LinkKind::Reseller,
        LinkKind::Admin,
        LinkKind::Purchase,
    ];

    /// The id used in saves, CSV files and the CLI.
    pub fn key(self) -> &'static str {
        match self {
            LinkKind::Supply => "supply",
            LinkKind::Partnership => "partnership",
            LinkKind::Reseller => "reseller",
            LinkKind::Admin => "admin",
            LinkKind::Purchase => "purchase",
        }
    }

    /// Parses a [`LinkKind::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }

    /// A human label.
    pub fn label(self) -> &'static str {
        match self {
            LinkKind::Supply => "supply",
            LinkKind::Partnership => "partnership",
            LinkKind::Reseller => "reseller relationship",
            LinkKind::Admin => "admin relationship",
            LinkKind::Purchase => "purchase",
        }
    }

    /// The label with its article, for sentences: "a supply", "an admin relationship" (messages
    /// said "a admin relationship").
    pub fn with_article(self) -> String {
        let article = if self == LinkKind::Admin { "an" } else { "a" };
        format!("{article} {}", self.label())
    }
}

impl fmt::Display for LinkKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Whether a partnership invitation was accepted by the reseller, or a GDAP request approved by the
/// customer. On admin links the two values read `active` and `pending` (`active` is accepted as a
/// spelling of `accepted` in saves and CSV files).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum LinkStatus {
    /// In force (an accepted partnership, an active admin relationship).
    #[default]
    #[serde(alias = "active")]
    Accepted,
    /// Invited but not yet accepted.
    Pending,
}

impl LinkStatus {
    /// The id used in saves and CSV files.
    pub fn key(self) -> &'static str {
        match self {
            LinkStatus::Accepted => "accepted",
            LinkStatus::Pending => "pending",
        }
    }

    /// Parses a [`LinkStatus::key`], or `active` (the admin links' word for accepted).
    pub fn from_key(key: &str) -> Option<Self> {
        if key == "active" {
            return Some(LinkStatus::Accepted);
        }
        [LinkStatus::Accepted, LinkStatus::Pending]
            .into_iter()
            .find(|s| s.key() == key)
    }

    /// The word for this status on a link of `kind`: admin links are `active` or `pending`.
    pub fn key_for(self, kind: LinkKind) -> &'static str {
        match (self, kind) {
            (LinkStatus::Accepted, LinkKind::Admin) => "active",
            _ => self.key(),
        }
    }
}

/// What kind of admin access an admin link grants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum AdminType {
    /// Granular delegated admin privileges: roles, a duration, auto-extend.
    #[default]
    Gdap,
    /// The older delegated admin privileges, no longer granted from 2023-10-09.
    Dap,
}

impl AdminType {
    /// The id used in saves and CSV files.
    pub fn key(self) -> &'static str {
        match self {
            AdminType::Gdap => "gdap",
            AdminType::Dap => "dap",
        }
    }

    /// Parses an [`AdminType::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        [AdminType::Gdap, AdminType::Dap]
            .into_iter()
            .find(|t| t.key() == key)
    }
}

/// Who publishes the offer of a purchase.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Publisher {
    /// A Microsoft offer.
    #[default]
    FirstParty,
    /// A marketplace offer of another publisher.
    ThirdParty,
}

impl Publisher {
    /// The id used in saves and CSV files.
    pub fn key(self) -> &'static str {
        match self {
            Publisher::FirstParty => "first_party",
            Publisher::ThirdParty => "third_party",
        }
    }

    /// Parses a [`Publisher::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        [Publisher::FirstParty, Publisher::ThirdParty]
            .into_iter()
            .find(|p| p.key() == key)
    }
}

/// A GDAP role name, as Partner Center spells it (e.g. "Global Administrator"); a channel's admin
/// links name a few roles many times, so each is held once ([`SharedText`]).
pub type AdminRole = SharedText;

/// The role whose presence forbids auto-extend on a GDAP relationship.
pub const GLOBAL_ADMINISTRATOR: &str = "Global Administrator";

/// One directed link with every attribute the rules read. Only the attributes of its kind matter;
/// the others keep their defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Link {
    /// Stable id, unique in the scenario.
    pub id: LinkId,
    /// What the link means.
    pub kind: LinkKind,
    /// The supplying side (Microsoft, provider, seller).
    pub from: PartyId,
    /// The buying side (provider, reseller, customer).
    pub to: PartyId,
    /// When the link was made; links dated after the as-of date do not exist yet.
    pub date: Date,
    /// When the link was ended or removed, if it was: from that day on it no longer exists. Later
    /// than `date` when set.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ended: Option<Date>,
    /// Partnerships: accepted or pending.
    #[serde(default, skip_serializing_if = "is_default")]
    pub status: LinkStatus,
    /// Purchases: the offer bought.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub offer: Option<SharedText>,
    /// Purchases: first- or third-party offer.
    #[serde(default, skip_serializing_if = "is_default")]
    pub publisher: Publisher,
    /// Purchases: the tenant the offer is provisioned to; `None` means the customer's own tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<SharedText>,
    /// Purchases and reseller relationships by an indirect reseller: the indirect provider that bills it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub via: Option<PartyId>,
    /// Admin links: the GDAP roles granted.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<AdminRole>,
    /// Admin links: how long the relationship lasts, in days.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_days: Option<u32>,
    /// Admin links: whether the relationship renews itself.
    #[serde(default, skip_serializing_if = "is_default")]
    pub auto_extend: bool,
    /// Admin links: GDAP (the default) or the deprecated DAP.
    #[serde(default, skip_serializing_if = "is_default")]
    pub admin_type: AdminType,
    /// Purchases: the PartnerID written on the order line (Partner Center's `partnerIdOnRecord`
    /// on an order, a subscription's `partnerId`); for an indirect reseller's sale it must be the
    /// reseller's own. `None` when the drawing does not record it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_id_on_record: Option<SharedText>,
}

fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

impl Link {
    /// A link with default attributes.
    pub fn new(
        id: impl Into<LinkId>,
        kind: LinkKind,
        from: impl Into<PartyId>,
        to: impl Into<PartyId>,
        date: Date,
    ) -> Self {
        Link {
            id: id.into(),
            kind,
            from: from.into(),
            to: to.into(),
            date,
            ended: None,
            status: LinkStatus::Accepted,
            offer: None,
            publisher: Publisher::FirstParty,
            tenant: None,
            via: None,
            roles: Vec::new(),
            duration_days: None,
            auto_extend: false,
            admin_type: AdminType::Gdap,
            partner_id_on_record: None,
        }
    }

    /// Builder: the link ends on `day`.
    pub fn ended_on(mut self, day: Date) -> Self {
        self.ended = Some(day);
        self
    }

    /// Builder: the provider that bills an indirect reseller's sale.
    pub fn via(mut self, provider: impl Into<PartyId>) -> Self {
        self.via = Some(provider.into());
        self
    }

    /// Builder: the offer of a purchase.
    pub fn offer(mut self, offer: &str) -> Self {
        self.offer = Some(offer.into());
        self
    }

    /// Builder: the tenant a purchase is provisioned to.
    pub fn to_tenant(mut self, tenant: &str) -> Self {
        self.tenant = Some(tenant.into());
        self
    }

    /// Builder: the PartnerID written on a purchase's order line.
    pub fn on_record(mut self, partner_id: &str) -> Self {
        self.partner_id_on_record = Some(partner_id.into());
        self
    }

    /// Builder: a pending partnership.
    pub fn pending(mut self) -> Self {
        self.status = LinkStatus::Pending;
        self
    }

    /// Builder: GDAP roles, duration and auto-extend of an admin link.
    pub fn gdap(mut self, roles: &[&str], duration_days: u32, auto_extend: bool) -> Self {
        self.roles = roles.iter().map(|r| SharedText::from(*r)).collect();
        self.duration_days = Some(duration_days);
        self.auto_extend = auto_extend;
        self
    }

    /// True when the link exists at `as_of`: dated on or before it, and not ended on or before it.
    pub fn exists_at(&self, as_of: Date) -> bool {
        self.date <= as_of && self.ended.is_none_or(|ended| as_of < ended)
    }

    /// True when the link was ended on or before `as_of` (it existed once and no longer does).
    pub fn ended_by(&self, as_of: Date) -> bool {
        self.ended.is_some_and(|ended| ended <= as_of)
    }

    /// Every party this link names: its two ends and, when set, the billing provider.
    pub fn parties(&self) -> impl Iterator<Item = &PartyId> {
        [&self.from, &self.to].into_iter().chain(self.via.as_ref())
    }
}
