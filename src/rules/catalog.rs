//! Every rule the engine knows, documented in one fixed shape (in the manner of Clippy's lints): what it
//! checks, why (the program source), an example, and the fix. The CLI's `rules` command, the GUI's
//! explanation card and exports read this table, so the words a trainee sees are written once.

use serde::Serialize;
use std::fmt;

/// How bad a finding is. Ordered: a note is the mildest, a violation the worst.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// An explicitly allowed pattern worth teaching; never a problem.
    Note,
    /// Likely a problem, undocumented, or needs review.
    Warning,
    /// The program forbids it or Partner Center refuses it.
    Violation,
}

impl Severity {
    /// Every severity, worst first (the order findings are listed in).
    pub const WORST_FIRST: [Severity; 3] = [Severity::Violation, Severity::Warning, Severity::Note];

    /// The id used in JSON and text output.
    pub fn key(self) -> &'static str {
        match self {
            Severity::Note => "note",
            Severity::Warning => "warning",
            Severity::Violation => "violation",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

/// The documentation of one rule.
#[derive(Debug)]
pub struct RuleInfo {
    /// The rule.
    pub id: RuleId,
    /// Its usual severity.
    pub severity: Severity,
    /// A short title for lists and cards.
    pub title: &'static str,
    /// What it checks, in the terms of the model.
    pub what: &'static str,
    /// Why the program says so.
    pub why: &'static str,
    /// Where the program says so.
    pub source: &'static str,
    /// How to fix it.
    pub fix: &'static str,
    /// A minimal example that breaks it.
    pub example: &'static str,
}

macro_rules! rules {
    ($($variant:ident => $key:literal),* $(,)?) => {
        /// A rule's stable id, as used in saves, CLI output, tests and the UI.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId { $(
            #[doc = concat!("`", $key, "`")]
            $variant
        ),* }

        impl RuleId {
            /// Every rule, in catalogue order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant),*];

            /// The stable id text (`mpa_missing`, …).
            pub fn key(self) -> &'static str {
                match self { $(RuleId::$variant => $key),* }
            }
        }
    };
}

rules! {
    ResellerBilledByMicrosoft => "reseller_billed_by_microsoft",
    InvalidChain => "invalid_chain",
    IncompleteChain => "incomplete_chain",
    ProviderSellsDirect => "provider_sells_direct",
    MpaMissing => "mpa_missing",
    ResellerNotReady => "reseller_not_ready",
    SelfSale => "self_sale",
    AffiliateSale => "affiliate_sale",
    OwnUseOnCspTenant => "own_use_on_csp_tenant",
    ResellerCustomerOfOwnProvider => "reseller_customer_of_own_provider",
    CrossRegionSale => "cross_region_sale",
    CrossRegionPartnership => "cross_region_partnership",
    MultiPartner => "multi_partner",
    MultiChannel => "multi_channel",
    McaMissing => "mca_missing",
    NoResellerRelationship => "no_reseller_relationship",
    PartnershipPending => "partnership_pending",
    RestrictedDirectBill => "restricted_direct_bill",
    UnlistedMarket => "unlisted_market",
    GdapDuration => "gdap_duration",
    GdapAutoExtendGlobalAdmin => "gdap_auto_extend_global_admin",
    SharedPartnerTenant => "shared_partner_tenant",
    DirectBillAndResellerOnOneTenant => "direct_bill_and_reseller_on_one_tenant",
    PartnerIdReused => "partner_id_reused",
    GdapExpired => "gdap_expired",
    GdapRequestExpired => "gdap_request_expired",
    DapAfterDeprecation => "dap_after_deprecation",
    RegistrationIdMissing => "registration_id_missing",
}

impl RuleId {
    /// Parses a [`RuleId::key`].
    pub fn from_key(key: &str) -> Option<RuleId> {
        RuleId::ALL.iter().copied().find(|r| r.key() == key)
    }

    /// The rule's documentation.
    pub fn info(self) -> &'static RuleInfo {
        CATALOG
            .iter()
            .find(|info| info.id == self)
            .expect("every rule has a catalogue entry: checked by a unit test")
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.key())
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.key())
    }
}

const SEED: &str = "Learn how partners can work with other partners in the CSP program";

/// The catalogue, in the order of `csp-rules.md`.
pub static CATALOG: &[RuleInfo] = &[
    RuleInfo {
        id: RuleId::ResellerBilledByMicrosoft,
        severity: Severity::Violation,
        title: "Indirect reseller billed by Microsoft",
        what: "A supply or purchase link from Microsoft straight to an indirect reseller.",
        why: "Indirect resellers have no direct billing relationship with Microsoft; they depend on an indirect provider to transact in CSP.",
        source: "Learn how partners can work with other partners in the CSP program: Types of partner relationships (indirect resellers)",
        fix: "Route it through an indirect provider (add a partnership), or make the party a direct-bill partner.",
        example: "Microsoft → supply → Contoso Reseller",
    },
    RuleInfo {
        id: RuleId::InvalidChain,
        severity: Severity::Violation,
        title: "Not a program chain",
        what: "A link whose kinds of endpoints form no program chain. Allowed: supply from Microsoft to an indirect provider or direct-bill partner; partnership from an indirect provider to an indirect reseller; reseller, admin or purchase from a partner to a customer. A link with this finding gets no other finding.",
        why: "The program has two chains: Microsoft → direct-bill partner → customer, and Microsoft → indirect provider → indirect reseller → customer (sample scenario 1).",
        source: "Learn how partners can work with other partners in the CSP program: Sample scenario 1",
        fix: "Name the chain that was meant: change the link's kind or direction, or re-route it.",
        example: "Contoso Reseller → partnership → Fabrikam Reseller",
    },
    RuleInfo {
        id: RuleId::IncompleteChain,
        severity: Severity::Violation,
        title: "Seller has no path to Microsoft",
        what: "A purchase whose seller has no path to Microsoft: a direct-bill partner or indirect provider with no supply from Microsoft; an indirect reseller with no accepted partnership with the billing (`via`) provider, or with any provider when `via` is empty, or whose provider has no supply.",
        why: "A sale needs the whole chain of sample scenario 1: Microsoft sells to the direct-bill partner or indirect provider, the provider to the reseller, the reseller to the customer.",
        source: "Learn how partners can work with other partners in the CSP program: Sample scenario 1",
        fix: "Add the missing supply or partnership link.",
        example: "Contoso Reseller → purchase → Northwind, with no provider partnered with Contoso",
    },
    RuleInfo {
        id: RuleId::ProviderSellsDirect,
        severity: Severity::Warning,
        title: "Indirect provider sells with no reseller",
        what: "A purchase from an indirect provider straight to a customer, with no indirect reseller.",
        why: "Not one of the documented chains: the API then makes the customer a direct customer of the provider. Whether this is allowed is undocumented, hence a warning.",
        source: "Learn how partners can work with other partners in the CSP program: Sample scenario 1 (open question in the catalogue)",
        fix: "Add the indirect reseller that sells it.",
        example: "Distributor → purchase → Northwind",
    },
    RuleInfo {
        id: RuleId::MpaMissing,
        severity: Severity::Violation,
        title: "Microsoft Partner Agreement not signed",
        what: "On a supply, partnership, reseller or purchase link dated on or after 2020-02-01, a partner on it (the buyer of a supply, either side of a partnership, the seller and the `via` provider of a reseller relationship or purchase) has not signed the MPA by the link's date.",
        why: "Starting February 1, 2020, the Microsoft Partner Agreement must be signed by all partners who transact in the CSP program: indirect providers, direct-bill partners and indirect resellers.",
        source: "Learn how partners can work with other partners in the CSP program: CSP program requirements (MPA); Microsoft Partner Agreement (MPA) for CSP partners",
        fix: "Mark the MPA signed, with a date on or before the link's.",
        example: "Microsoft → supply (2021-03-01) → Distributor, MPA not signed",
    },
    RuleInfo {
        id: RuleId::ResellerNotReady,
        severity: Severity::Violation,
        title: "Indirect reseller not ready to transact",
        what: "The indirect reseller on a purchase (violation) or partnership (warning) is not onboarded, not enrolled, or (for a link dated on or after 2020-02-01) has not signed the MPA by the link's date.",
        why: "Indirect resellers must do three things before they can transact new business: onboard into Partner Center, enroll as an indirect reseller, and sign the MPA. Before that, a provider may not associate the reseller's MPN ID with a new subscription nor transact new business with it.",
        source: "Learn how partners can work with other partners in the CSP program: CSP program requirements (MPA); Indirect reseller tasks in Partner Center",
        fix: "Complete the missing steps: onboard, enroll, sign the MPA.",
        example: "Distributor → partnership → Contoso Reseller, not yet enrolled",
    },
    RuleInfo {
        id: RuleId::SelfSale,
        severity: Severity::Violation,
        title: "Partner sells to itself",
        what: "A purchase or reseller relationship whose seller and customer belong to the same organization.",
        why: "By contract, partners in the CSP program are not allowed to sell Microsoft or third-party offers to themselves as end customers.",
        source: "Learn how partners can work with other partners in the CSP program: Sample scenario 5",
        fix: "Buy from another partner, into a customer-type tenant (sample scenario 4).",
        example: "Fabrikam (direct-bill) → purchase → Fabrikam (as customer)",
    },
    RuleInfo {
        id: RuleId::AffiliateSale,
        severity: Severity::Violation,
        title: "Partner sells to an affiliate",
        what: "A purchase or reseller relationship whose seller and customer are different organizations of the same affiliate group.",
        why: "By contract, partners may not sell to their affiliate organizations as end customers.",
        source: "Learn how partners can work with other partners in the CSP program: Sample scenario 5",
        fix: "Buy from a partner outside the affiliate group.",
        example: "Fabrikam UK → purchase → Fabrikam Germany, both in the Fabrikam group",
    },
    RuleInfo {
        id: RuleId::OwnUseOnCspTenant,
        severity: Severity::Violation,
        title: "Own use provisioned to a CSP tenant",
        what: "A purchase provisioned to a tenant that is a partner's CSP tenant: the customer's own tenant has type `csp`, or the tenant equals some partner's tenant.",
        why: "A partner buying for its own use must use a separate tenant designated as a customer (internal-use) tenant, never the tenant it uses in CSP; nor may online services be resold into another partner's transacting tenant.",
        source: "Learn how partners can work with other partners in the CSP program: Sample scenario 4",
        fix: "Provision to a new customer-type tenant.",
        example: "Contoso Reseller buys Microsoft 365 from Fabrikam into Contoso's CSP tenant",
    },
    RuleInfo {
        id: RuleId::ResellerCustomerOfOwnProvider,
        severity: Severity::Violation,
        title: "Reseller buys as a customer from its own provider",
        what: "An indirect reseller's organization is the customer of a purchase or reseller relationship in which a provider it has a partnership with is the seller or the `via`, in the tenant it uses with that provider.",
        why: "An existing indirect provider–indirect reseller relationship prevents any new relationship type as end customer with the same indirect provider.",
        source: "Learn how partners can work with other partners in the CSP program: Sample scenario 6",
        fix: "Option 1: set up a separate tenant as its own customer environment. Option 2: end the partnership and move to another provider. Option 3: keep the customer relationship and establish the reseller partnership with another provider.",
        example: "Distributor → purchase → Contoso Reseller's own tenant, while Distributor → partnership → Contoso Reseller",
    },
    RuleInfo {
        id: RuleId::CrossRegionSale,
        severity: Severity::Violation,
        title: "Sale across CSP regions",
        what: "A purchase or reseller relationship whose seller's region (or the `via` provider's) differs from the customer's. Parties in no region are left to `unlisted_market`.",
        why: "A partner in the CSP program can only sell to customers from the same region.",
        source: "Learn how partners can work with other partners in the CSP program: Sample scenario 7; Cloud Solution Provider program regional markets and currencies",
        fix: "Choose a seller in the customer's region.",
        example: "A reseller in Germany (Europe) sells to a customer in Japan (Japan)",
    },
    RuleInfo {
        id: RuleId::CrossRegionPartnership,
        severity: Severity::Violation,
        title: "Partnership across CSP regions",
        what: "A partnership between an indirect provider and an indirect reseller of different regions.",
        why: "A partner can only establish a relationship with a partner from the same region.",
        source: "Learn how partners can work with other partners in the CSP program: Sample scenario 8",
        fix: "Partner with a provider in the reseller's region.",
        example: "A distributor in the United States partners with a reseller in Brazil",
    },
    RuleInfo {
        id: RuleId::MultiPartner,
        severity: Severity::Note,
        title: "Customer buys from several partners (allowed)",
        what: "A customer buys from more than one partner.",
        why: "Allowed: the end customer can purchase different services from different partners, based on its business needs.",
        source: "Learn how partners can work with other partners in the CSP program: Sample scenario 2; Multi-partner support",
        fix: "Nothing to fix.",
        example: "Northwind buys Microsoft 365 from Contoso and Azure from Fabrikam",
    },
    RuleInfo {
        id: RuleId::MultiChannel,
        severity: Severity::Note,
        title: "Customer managed by several partners (allowed)",
        what: "More than one partner has an admin relationship with a customer.",
        why: "Allowed: the customer can engage multiple partners to manage its subscriptions.",
        source: "Learn how partners can work with other partners in the CSP program: Sample scenario 3; Multi-channel support",
        fix: "Nothing to fix.",
        example: "Contoso and Fabrikam both hold GDAP relationships with Northwind",
    },
    RuleInfo {
        id: RuleId::McaMissing,
        severity: Severity::Violation,
        title: "Customer has not accepted the MCA",
        what: "A purchase for a customer with no Microsoft Customer Agreement acceptance, or one accepted after the purchase date.",
        why: "No order may be placed for a customer before it accepts the Microsoft Customer Agreement.",
        source: "Partner Center: confirm customer acceptance of the Microsoft Customer Agreement",
        fix: "Record the customer's acceptance date.",
        example: "Northwind buys on 2022-05-01 and accepted the MCA on 2022-06-01",
    },
    RuleInfo {
        id: RuleId::NoResellerRelationship,
        severity: Severity::Violation,
        title: "No reseller relationship with the customer",
        what: "A purchase whose seller (and, for an indirect sale, the `via` provider too) has no reseller relationship with the customer dated on or before it.",
        why: "Buying for a customer needs a reseller relationship with its tenant; in the indirect model both the reseller and the provider need one.",
        source: "Partner Center: request a reseller relationship; Partner with indirect resellers in the CSP program",
        fix: "Add the reseller relationship.",
        example: "Contoso sells to Northwind without Northwind accepting Contoso's reseller invitation",
    },
    RuleInfo {
        id: RuleId::PartnershipPending,
        severity: Severity::Violation,
        title: "Partnership not yet accepted",
        what: "A purchase by an indirect reseller whose partnership with the `via` provider is still pending (without `via`: the reseller has pending partnerships and no accepted one).",
        why: "A provider may transact for a reseller only after the reseller accepted the partnership invitation.",
        source: "Partner with indirect resellers in the CSP program; Indirect reseller tasks in Partner Center",
        fix: "Accept the partnership.",
        example: "Distributor invited Contoso Reseller; Contoso has not accepted but already sells",
    },
    RuleInfo {
        id: RuleId::RestrictedDirectBill,
        severity: Severity::Violation,
        title: "Restricted direct-bill partner transacts",
        what: "A purchase or reseller relationship by a direct-bill partner, dated on or after the date it became restricted.",
        why: "A restricted direct-bill partner can make no new purchases and invite no new customers.",
        source: "Enroll as a direct-bill partner (restricted direct-bill partners)",
        fix: "Move the customer to an indirect provider's channel.",
        example: "Fabrikam, restricted since 2024-01-01, sells to Northwind on 2024-03-01",
    },
    RuleInfo {
        id: RuleId::UnlistedMarket,
        severity: Severity::Warning,
        title: "Country in no CSP market",
        what: "A party other than Microsoft whose country is missing or in no CSP region.",
        why: "The market is not supported by regional authorization, so no region rule can be checked for it.",
        source: "Cloud Solution Provider program regional markets and currencies",
        fix: "Check the country.",
        example: "A customer with country RU (not listed in the 2023 table)",
    },
    RuleInfo {
        id: RuleId::GdapDuration,
        severity: Severity::Violation,
        title: "GDAP duration out of range",
        what: "An admin relationship whose duration is missing or not between 1 and 730 days.",
        why: "Granular delegated admin relationships last 1 to 730 days.",
        source: "Partner Center: introduction to granular delegated admin privileges (GDAP)",
        fix: "Set a duration between 1 and 730 days.",
        example: "Contoso → admin (900 days) → Northwind",
    },
    RuleInfo {
        id: RuleId::GdapAutoExtendGlobalAdmin,
        severity: Severity::Violation,
        title: "GDAP auto-extend with Global Administrator",
        what: "An admin relationship with auto-extend on whose roles include Global Administrator.",
        why: "Auto-extend is not available for relationships that include the Global Administrator role.",
        source: "Partner Center: introduction to granular delegated admin privileges (GDAP)",
        fix: "Drop the Global Administrator role, or turn auto-extend off.",
        example: "Contoso → admin (Global Administrator, auto-extend) → Northwind",
    },
    RuleInfo {
        id: RuleId::SharedPartnerTenant,
        severity: Severity::Violation,
        title: "Partner tenant shared across organizations",
        what: "Two partners (provider, reseller or direct-bill) of different organizations with the same tenant; a finding on each.",
        why: "A tenant associated with one Partner Center account cannot be associated with another.",
        source: "Partner Center: tenant and account association (catalogue group 3)",
        fix: "Give each partner its own tenant.",
        example: "Contoso Reseller and Fabrikam (direct-bill) both on tenant contoso",
    },
    RuleInfo {
        id: RuleId::DirectBillAndResellerOnOneTenant,
        severity: Severity::Warning,
        title: "Direct-bill and reseller enrolment on one tenant",
        what: "A direct-bill partner that is not restricted and an indirect reseller with the same tenant; a finding on each.",
        why: "Enrolling as an indirect reseller and as a direct-bill partner needs two tenants, except while a direct-bill partner moves to the indirect model after its direct-bill enrolment was restricted.",
        source: "Partner Center: CSP enrolment (catalogue group 3)",
        fix: "Enrol the reseller on its own tenant, or restrict the direct-bill enrolment.",
        example: "Fabrikam (direct-bill) and Fabrikam Reseller both on tenant fabrikam",
    },
    RuleInfo {
        id: RuleId::PartnerIdReused,
        severity: Severity::Violation,
        title: "PartnerID on two tenants",
        what: "The same PartnerID on two partners with different tenants; a finding on each.",
        why: "A CSP tenant and its location PartnerID are one to one.",
        source: "Partner Center: PartnerID and CSP tenants (catalogue group 3)",
        fix: "Give each tenant its own PartnerID.",
        example: "Adatum (tenant adatum) and Adatum EU (tenant adatum-eu) both with PartnerID 1234567",
    },
    RuleInfo {
        id: RuleId::GdapExpired,
        severity: Severity::Warning,
        title: "GDAP relationship expired",
        what: "An active GDAP admin link with auto-extend off whose date plus duration is on or before the day checked.",
        why: "The relationship has expired: the partner can no longer manage the customer (the reseller relationship and subscriptions stay). An expired admin link does not count for multi_channel.",
        source: "Partner Center: introduction to granular delegated admin privileges (GDAP)",
        fix: "Renew it (a new admin link) or mark it ended.",
        example: "Contoso → admin (90 days from 2021-01-01, no auto-extend) → Northwind, checked in 2022",
    },
    RuleInfo {
        id: RuleId::GdapRequestExpired,
        severity: Severity::Warning,
        title: "GDAP request expired",
        what: "A pending admin link dated more than 90 days before the day checked.",
        why: "A GDAP request that the customer does not approve within 90 days expires.",
        source: "Partner Center: introduction to granular delegated admin privileges (GDAP)",
        fix: "Send a new request.",
        example: "Contoso → admin (pending since 2021-01-01) → Northwind, checked in 2022",
    },
    RuleInfo {
        id: RuleId::DapAfterDeprecation,
        severity: Severity::Warning,
        title: "DAP granted after its deprecation",
        what: "An admin link of type DAP dated on or after 2023-10-09.",
        why: "DAP is no longer granted with reseller relationship invitations from 9 October 2023 (and with new customers from 1 November 2023); GDAP replaces it.",
        source: "Partner Center: DAP deprecation and GDAP",
        fix: "Use a GDAP relationship with the least-privileged roles.",
        example: "Contoso → admin (DAP, 2024-01-01) → Northwind",
    },
    RuleInfo {
        id: RuleId::RegistrationIdMissing,
        severity: Severity::Warning,
        title: "Registration ID missing",
        what: "A customer with a purchase or reseller link whose country is one of AM, AZ, BY, BR, HU, IN, IQ, KZ, KG, MD, MM, PL, RU, SA, ZA, SS, TJ, TH, TR, UA, AE, UZ, VE, VN and that has no registration ID.",
        why: "In these countries a partner creating a customer must give its business registration number; Partner Center refuses the customer without it.",
        source: "Partner Center: create a customer (registration ID required in some countries)",
        fix: "Record the registration ID.",
        example: "Contoso → reseller → Northwind (PL, no registration ID)",
    },
];

/// The title of the seed document, for sources that cite it.
pub fn seed_title() -> &'static str {
    SEED
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_has_exactly_one_entry_and_a_unique_key() {
        for rule in RuleId::ALL {
            assert_eq!(
                CATALOG.iter().filter(|i| i.id == *rule).count(),
                1,
                "{rule}"
            );
            assert_eq!(RuleId::from_key(rule.key()), Some(*rule));
        }
        assert_eq!(CATALOG.len(), RuleId::ALL.len());
        assert_eq!(RuleId::ALL.len(), 28);
    }

    #[test]
    fn severities_order_worst_last() {
        assert!(Severity::Violation > Severity::Warning && Severity::Warning > Severity::Note);
    }
}
