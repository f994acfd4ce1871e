//! Parties of the CSP channel: Microsoft, partners of the three transactional kinds, and customers.

use super::{Date, PartyId, SharedText};
use serde::{Deserialize, Serialize};
use std::fmt;

/// What role a party plays in the CSP program.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyKind {
    /// Microsoft itself: the top of every chain. A scenario has at most one.
    Microsoft,
    /// A distributor: buys from Microsoft and supplies indirect resellers.
    IndirectProvider,
    /// A partner with no billing relationship with Microsoft; transacts through an indirect provider.
    IndirectReseller,
    /// A partner that buys directly from Microsoft and sells to its own customers.
    DirectBill,
    /// An end customer (or a partner's internal-use organization buying as a customer).
    Customer,
}

impl PartyKind {
    /// Every kind, in tier order (top of the channel first).
    pub const ALL: [PartyKind; 5] = [
        PartyKind::Microsoft,
        PartyKind::IndirectProvider,
        PartyKind::DirectBill,
        PartyKind::IndirectReseller,
        PartyKind::Customer,
    ];

    /// The id used in saves, CSV files and the CLI (`indirect_provider`, …).
    pub fn key(self) -> &'static str {
        match self {
            PartyKind::Microsoft => "microsoft",
            PartyKind::IndirectProvider => "indirect_provider",
            PartyKind::IndirectReseller => "indirect_reseller",
            PartyKind::DirectBill => "direct_bill",
            PartyKind::Customer => "customer",
        }
    }

    /// Parses a [`PartyKind::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }

    /// A human label ("indirect provider").
    pub fn label(self) -> &'static str {
        match self {
            PartyKind::Microsoft => "Microsoft",
            PartyKind::IndirectProvider => "indirect provider",
            PartyKind::IndirectReseller => "indirect reseller",
            PartyKind::DirectBill => "direct-bill partner",
            PartyKind::Customer => "customer",
        }
    }

    /// True for the three kinds of CSP partner (not Microsoft, not customers).
    pub fn is_partner(self) -> bool {
        matches!(
            self,
            PartyKind::IndirectProvider | PartyKind::IndirectReseller | PartyKind::DirectBill
        )
    }

    /// The tier of the channel this kind sits in: 0 Microsoft, 1 providers and direct-bill partners,
    /// 2 indirect resellers, 3 customers.
    pub fn tier(self) -> u8 {
        match self {
            PartyKind::Microsoft => 0,
            PartyKind::IndirectProvider | PartyKind::DirectBill => 1,
            PartyKind::IndirectReseller => 2,
            PartyKind::Customer => 3,
        }
    }
}

impl PartyKind {
    /// The kind with its article, for sentences: "Microsoft", "an indirect reseller", "a customer".
    pub fn with_article(self) -> &'static str {
        match self {
            PartyKind::Microsoft => "Microsoft",
            PartyKind::IndirectProvider => "an indirect provider",
            PartyKind::IndirectReseller => "an indirect reseller",
            PartyKind::DirectBill => "a direct-bill partner",
            PartyKind::Customer => "a customer",
        }
    }
}

impl fmt::Display for PartyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// What an Entra (Azure AD) tenant is used for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum TenantType {
    /// A partner's transacting tenant in the CSP program.
    #[default]
    Csp,
    /// A customer tenant, including a partner's internal-use tenant.
    Customer,
}

impl TenantType {
    /// The id used in saves and CSV files.
    pub fn key(self) -> &'static str {
        match self {
            TenantType::Csp => "csp",
            TenantType::Customer => "customer",
        }
    }

    /// Parses a [`TenantType::key`].
    pub fn from_key(key: &str) -> Option<Self> {
        [TenantType::Csp, TenantType::Customer]
            .into_iter()
            .find(|t| t.key() == key)
    }
}

/// A point on the canvas, in canvas coordinates (not screen pixels).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Position {
    /// Left to right.
    pub x: f32,
    /// Top to bottom.
    pub y: f32,
}

/// One party of the channel with every attribute the rules read.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Party {
    /// Stable id, unique in the scenario.
    pub id: PartyId,
    /// Its role in the program.
    pub kind: PartyKind,
    /// Display name.
    pub name: String,
    /// ISO 3166 alpha-2 country code (upper case); its CSP region follows from the markets table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub country: Option<SharedText>,
    /// The company this party belongs to; two parties of one organization are "the same company".
    pub organization: String,
    /// Companies under common control share an affiliate group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub affiliate_group: Option<SharedText>,
    /// The Entra tenant id the party uses.
    pub tenant: String,
    /// What that tenant is designated as.
    pub tenant_type: TenantType,
    /// When the partner signed the Microsoft Partner Agreement (partners only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mpa_signed: Option<Date>,
    /// The partner's PartnerID (MPN ID), informative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partner_id: Option<SharedText>,
    /// A customer's business registration number (VAT or company register id), as Partner Center
    /// asks for it in some markets; informative, read by rules about duplicate customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub registration_id: Option<SharedText>,
    /// An indirect reseller has onboarded into Partner Center.
    #[serde(default, skip_serializing_if = "is_false")]
    pub onboarded: bool,
    /// An indirect reseller has enrolled as an indirect reseller.
    #[serde(default, skip_serializing_if = "is_false")]
    pub enrolled: bool,
    /// A direct-bill partner is restricted from this date on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub restricted_since: Option<Date>,
    /// When a customer accepted the Microsoft Customer Agreement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mca_accepted: Option<Date>,
    /// Where the user placed it on the canvas; `None` lets the tier layout decide.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub position: Option<Position>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Party {
    /// A party with the defaults the CSV import documents: name, organization and tenant equal to the id,
    /// a CSP tenant for partners and Microsoft, a customer tenant for customers, nothing signed.
    pub fn new(id: impl Into<PartyId>, kind: PartyKind) -> Self {
        let id = id.into();
        Party {
            name: id.to_string(),
            organization: id.to_string(),
            tenant: id.to_string(),
            id,
            kind,
            country: None,
            affiliate_group: None,
            tenant_type: if kind == PartyKind::Customer {
                TenantType::Customer
            } else {
                TenantType::Csp
            },
            mpa_signed: None,
            partner_id: None,
            registration_id: None,
            onboarded: false,
            enrolled: false,
            restricted_since: None,
            mca_accepted: None,
            position: None,
        }
    }

    /// Builder: sets the country (upper-cased).
    pub fn in_country(mut self, country: &str) -> Self {
        self.country = Some(country.to_ascii_uppercase().into());
        self
    }

    /// Builder: sets the display name.
    pub fn named(mut self, name: &str) -> Self {
        self.name = name.to_owned();
        self
    }

    /// Builder: marks the MPA signed on `date`.
    pub fn mpa(mut self, date: Date) -> Self {
        self.mpa_signed = Some(date);
        self
    }

    /// Builder: an indirect reseller that is onboarded and enrolled.
    pub fn ready(mut self) -> Self {
        self.onboarded = true;
        self.enrolled = true;
        self
    }

    /// Builder: a customer that accepted the MCA on `date`.
    pub fn mca(mut self, date: Date) -> Self {
        self.mca_accepted = Some(date);
        self
    }

    /// Builder: sets the organization.
    pub fn of_org(mut self, org: &str) -> Self {
        self.organization = org.to_owned();
        self
    }

    /// Builder: sets the tenant id and type.
    pub fn with_tenant(mut self, tenant: &str, tenant_type: TenantType) -> Self {
        self.tenant = tenant.to_owned();
        self.tenant_type = tenant_type;
        self
    }

    /// Builder: sets the affiliate group.
    pub fn in_affiliate_group(mut self, group: &str) -> Self {
        self.affiliate_group = Some(group.into());
        self
    }

    /// Builder: sets the PartnerID.
    pub fn with_partner_id(mut self, partner_id: &str) -> Self {
        self.partner_id = Some(partner_id.into());
        self
    }

    /// Builder: places the party on the canvas.
    pub fn at(mut self, x: f32, y: f32) -> Self {
        self.position = Some(Position { x, y });
        self
    }

    /// True when the MPA was signed on or before `date`.
    pub fn mpa_signed_by(&self, date: Date) -> bool {
        self.mpa_signed.is_some_and(|signed| signed <= date)
    }

    /// True when a direct-bill partner is restricted at `date`.
    pub fn restricted_at(&self, date: Date) -> bool {
        self.restricted_since.is_some_and(|since| since <= date)
    }
}
