//! Every rule the engine knows, documented in one fixed shape (in the manner of Clippy's lints): what it
//! checks, why (the program source), an example, and the fix. The CLI's `rules` command, the GUI's
//! explanation card and exports read this table, so the words a trainee sees are written once.
//! Owns: each rule's id, severity and words, and the public page it comes from. Must not: check
//! anything (the rule files do) or word a finding (its message is the rule's).

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
    /// Where the program says so: the titles of the public pages (and their sections).
    pub source: &'static str,
    /// The public Partner Center page it comes from (the first of [`RuleInfo::source`]'s pages), to
    /// open in a browser.
    pub source_url: &'static str,
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
    RelationshipRemovedWithActiveSubscriptions => "relationship_removed_with_active_subscriptions",
    DirectBillBuysForResellerCustomer => "direct_bill_buys_for_reseller_customer",
    TenantWithTwoPartnerIds => "tenant_with_two_partner_ids",
    CustomersLeftBehind => "customers_left_behind",
    PartnerIdOnRecordIsProvider => "partner_id_on_record_is_provider",
    PartnerIdOnRecordOther => "partner_id_on_record_other",
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

/// The public pages the rules come from: the seed document, the pages its links lead to, and the
/// pages those lead to (docs/rules-notes.md §19 says which were checked against a stored copy).
mod url {
    macro_rules! page {
        ($name:ident, $path:literal) => {
            pub const $name: &str =
                concat!("https://learn.microsoft.com/en-us/partner-center/", $path);
        };
    }
    page!(
        SEED,
        "enroll/csp-supported-partner-relationships#supported-partner-transactions-in-the-csp-program"
    );
    page!(
        SEED_RESELLERS,
        "enroll/csp-supported-partner-relationships#types-of-partner-relationships-in-the-csp-program"
    );
    page!(
        SEED_MPA,
        "enroll/csp-supported-partner-relationships#csp-program-requirements-signing-the-microsoft-partner-agreement-mpa"
    );
    page!(REGIONS, "enroll/regional-authorization-overview");
    page!(
        RESTRICTED_DIRECT_BILL,
        "enroll/restricted-direct-bill-capabilities"
    );
    page!(TRANSITION, "enroll/transition-direct-to-indirect");
    page!(MULTI_PARTNER, "customers/multipartner");
    page!(MULTI_CHANNEL, "customers/multichannel");
    page!(
        PROVIDER_TASKS,
        "customers/indirect-provider-tasks-in-partner-center"
    );
    page!(MCA, "customers/confirm-customer-agreement");
    page!(
        REQUEST_RELATIONSHIP,
        "customers/request-a-relationship-with-a-customer"
    );
    page!(ADD_CUSTOMER, "customers/add-a-new-customer");
    page!(GDAP, "customers/gdap-introduction");
    page!(GDAP_FAQ, "customers/gdap-faq");
    page!(LOCATIONS, "account-settings/manage-locations");
    page!(
        REMOVE_RELATIONSHIP,
        "developer/remove-a-reseller-relationship-with-a-customer"
    );
    page!(
        ORDER_FOR_RESELLER,
        "developer/create-an-order-for-a-customer-of-an-indirect-reseller"
    );
}

/// The catalogue, in the order of `csp-rules.md`.
pub static CATALOG: &[RuleInfo] = &[
    RuleInfo {
        id: RuleId::ResellerBilledByMicrosoft,
        severity: Severity::Violation,
        title: "Indirect reseller billed by Microsoft",
        what: "A supply or purchase link from Microsoft straight to an indirect reseller.",
        why: "Indirect resellers have no direct billing relationship with Microsoft; they depend on an indirect provider to transact in CSP.",
        source: "Learn how partners can work with other partners in the CSP program: Types of partner relationships in the CSP program (indirect resellers)",
        source_url: url::SEED_RESELLERS,
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
        source_url: url::SEED,
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
        source_url: url::SEED,
        fix: "Add (or renew, if it ended) the supply or partnership link the chain lacks.",
        example: "Contoso Reseller → purchase → Northwind, with no provider partnered with Contoso",
    },
    RuleInfo {
        id: RuleId::ProviderSellsDirect,
        severity: Severity::Warning,
        title: "Indirect provider sells with no reseller",
        what: "A purchase from an indirect provider straight to a customer, with no indirect reseller.",
        why: "Not one of the documented chains: the API then makes the customer a direct customer of the provider. Whether this is allowed is undocumented, hence a warning.",
        source: "Learn how partners can work with other partners in the CSP program: Sample scenario 1 (open question in the catalogue)",
        source_url: url::SEED,
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
        source_url: url::SEED_MPA,
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
        source_url: url::SEED_MPA,
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
        source_url: url::SEED,
        fix: "Buy from a partner of another organization, into a customer-type tenant (sample scenario 4).",
        example: "Fabrikam (direct-bill) → purchase → Fabrikam (as customer)",
    },
    RuleInfo {
        id: RuleId::AffiliateSale,
        severity: Severity::Violation,
        title: "Partner sells to an affiliate",
        what: "A purchase or reseller relationship whose seller and customer are different organizations of the same affiliate group.",
        why: "By contract, partners may not sell to their affiliate organizations as end customers.",
        source: "Learn how partners can work with other partners in the CSP program: Sample scenario 5",
        source_url: url::SEED,
        fix: "Buy from a partner outside the affiliate group, into a customer-type tenant.",
        example: "Fabrikam UK → purchase → Fabrikam Germany, both in the Fabrikam group",
    },
    RuleInfo {
        id: RuleId::OwnUseOnCspTenant,
        severity: Severity::Violation,
        title: "Own use provisioned to a CSP tenant",
        what: "A purchase provisioned to a tenant that is a partner's CSP tenant: the customer's own tenant has type `csp`, or the tenant equals some partner's tenant.",
        why: "A partner buying for its own use must use a separate tenant designated as a customer (internal-use) tenant, never the tenant it uses in CSP; nor may online services be resold into another partner's transacting tenant.",
        source: "Learn how partners can work with other partners in the CSP program: Sample scenario 4",
        source_url: url::SEED,
        fix: "Provision to a new customer-type tenant.",
        example: "Contoso Reseller buys Microsoft 365 from Fabrikam into Contoso's CSP tenant",
    },
    RuleInfo {
        id: RuleId::ResellerCustomerOfOwnProvider,
        severity: Severity::Violation,
        title: "Reseller buys as a customer from its own provider",
        what: "An indirect reseller's organization is the customer of a purchase or reseller relationship in which a provider it has an accepted partnership with is the seller or the `via`, in the tenant it uses with that provider. A pending partnership is no established relationship yet.",
        why: "An existing indirect provider–indirect reseller relationship prevents any new relationship type as end customer with the same indirect provider.",
        source: "Learn how partners can work with other partners in the CSP program: Sample scenario 6",
        source_url: url::SEED,
        fix: "Option 1: set up a separate tenant as its own customer environment. Option 2: end the partnership and move to another provider. Option 3: keep the customer relationship and establish the reseller partnership with another provider.",
        example: "Distributor → purchase → Contoso Reseller's own tenant, while Distributor → partnership → Contoso Reseller",
    },
    RuleInfo {
        id: RuleId::CrossRegionSale,
        severity: Severity::Violation,
        title: "Sale across CSP regions",
        what: "A purchase or reseller relationship whose seller's region (or the billing `via` provider's) differs from the customer's: one finding per link, naming every party in another region. Parties in no region are left to `unlisted_market`.",
        why: "A partner in the CSP program can only sell to customers from the same region.",
        source: "Learn how partners can work with other partners in the CSP program: Sample scenario 7; Cloud Solution Provider program regional markets and currencies",
        source_url: url::SEED,
        fix: "Choose a seller in the customer's region: re-route the sale through a reseller and provider (or a direct-bill partner) of that region.",
        example: "A reseller in Germany (Europe) sells to a customer in Japan (Japan)",
    },
    RuleInfo {
        id: RuleId::CrossRegionPartnership,
        severity: Severity::Violation,
        title: "Partnership across CSP regions",
        what: "A partnership between an indirect provider and an indirect reseller of different regions.",
        why: "A partner can only establish a relationship with a partner from the same region.",
        source: "Learn how partners can work with other partners in the CSP program: Sample scenario 8",
        source_url: url::SEED,
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
        source_url: url::MULTI_PARTNER,
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
        source_url: url::MULTI_CHANNEL,
        fix: "Nothing to fix.",
        example: "Contoso and Fabrikam both hold GDAP relationships with Northwind",
    },
    RuleInfo {
        id: RuleId::McaMissing,
        severity: Severity::Violation,
        title: "Customer has not accepted the MCA",
        what: "A purchase for a customer with no Microsoft Customer Agreement acceptance, or one accepted after the purchase date.",
        why: "No order may be placed for a customer before it accepts the Microsoft Customer Agreement.",
        source: "Confirm customer acceptance of the Microsoft Customer Agreement",
        source_url: url::MCA,
        fix: "Record the customer's acceptance date.",
        example: "Northwind buys on 2022-05-01 and accepted the MCA on 2022-06-01",
    },
    RuleInfo {
        id: RuleId::NoResellerRelationship,
        severity: Severity::Violation,
        title: "No reseller relationship with the customer",
        what: "A purchase whose seller (and, for an indirect sale, the `via` provider too) has no reseller relationship with the customer dated on or before it.",
        why: "Buying for a customer needs a reseller relationship with its tenant; in the indirect model both the reseller and the provider need one.",
        source: "Request a reseller relationship with a customer; Partner with indirect resellers in the CSP program",
        source_url: url::REQUEST_RELATIONSHIP,
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
        source_url: url::PROVIDER_TASKS,
        fix: "Accept the partnership.",
        example: "Distributor invited Contoso Reseller; Contoso has not accepted but already sells",
    },
    RuleInfo {
        id: RuleId::RestrictedDirectBill,
        severity: Severity::Violation,
        title: "Restricted direct-bill partner transacts",
        what: "A purchase or reseller relationship by a direct-bill partner, dated on or after the date it became restricted.",
        why: "A restricted direct-bill partner can make no new purchases and invite no new customers.",
        source: "Restricted direct-bill capabilities; Enroll as a direct-bill partner",
        source_url: url::RESTRICTED_DIRECT_BILL,
        fix: "Move the customer to an indirect provider: sell through an indirect reseller of the customer's region (the direct-bill partner's own reseller enrolment first), billed by its provider.",
        example: "Fabrikam, restricted since 2024-01-01, sells to Northwind on 2024-03-01",
    },
    RuleInfo {
        id: RuleId::UnlistedMarket,
        severity: Severity::Warning,
        title: "Country in no CSP market",
        what: "A party other than Microsoft whose country is missing or in no CSP region.",
        why: "The market is not supported by regional authorization, so no region rule can be checked for it.",
        source: "Cloud Solution Provider program regional markets and currencies",
        source_url: url::REGIONS,
        fix: "Check the country.",
        example: "A customer with country RU (not listed in the 2023 table)",
    },
    RuleInfo {
        id: RuleId::GdapDuration,
        severity: Severity::Violation,
        title: "GDAP duration out of range",
        what: "An admin relationship whose duration is missing or not between 1 and 730 days.",
        why: "Granular delegated admin relationships last 1 to 730 days.",
        source: "Introduction to granular delegated admin privileges (GDAP)",
        source_url: url::GDAP,
        fix: "Set a duration between 1 and 730 days.",
        example: "Contoso → admin (900 days) → Northwind",
    },
    RuleInfo {
        id: RuleId::GdapAutoExtendGlobalAdmin,
        severity: Severity::Violation,
        title: "GDAP auto-extend with Global Administrator",
        what: "An admin relationship with auto-extend on whose roles include Global Administrator.",
        why: "Auto-extend is not available for relationships that include the Global Administrator role.",
        source: "Introduction to granular delegated admin privileges (GDAP)",
        source_url: url::GDAP,
        fix: "Drop the Global Administrator role, or turn auto-extend off.",
        example: "Contoso → admin (Global Administrator, auto-extend) → Northwind",
    },
    RuleInfo {
        id: RuleId::SharedPartnerTenant,
        severity: Severity::Violation,
        title: "Partner tenant shared across organizations",
        what: "Two partners (provider, reseller or direct-bill) of different organizations with the same tenant (compared after trimming and case-folding); a finding on each.",
        why: "A tenant associated with one Partner Center account cannot be associated with another.",
        source: "Manage locations (each location's CSP tenant and PartnerID); Transition from CSP direct-bill partner to CSP indirect reseller",
        source_url: url::LOCATIONS,
        fix: "Give each partner its own tenant.",
        example: "Contoso Reseller and Fabrikam (direct-bill) both on tenant contoso",
    },
    RuleInfo {
        id: RuleId::DirectBillAndResellerOnOneTenant,
        severity: Severity::Warning,
        title: "Direct-bill and reseller enrolment on one tenant",
        what: "A direct-bill partner that is not restricted and an indirect reseller with the same tenant; a finding on each.",
        why: "Enrolling as an indirect reseller and as a direct-bill partner needs two tenants, except while a direct-bill partner moves to the indirect model after its direct-bill enrolment was restricted.",
        source: "Transition from CSP direct-bill partner to CSP indirect reseller; Restricted direct-bill capabilities",
        source_url: url::TRANSITION,
        fix: "Enrol the reseller on its own tenant, or restrict the direct-bill enrolment.",
        example: "Fabrikam (direct-bill) and Fabrikam Reseller both on tenant fabrikam",
    },
    RuleInfo {
        id: RuleId::PartnerIdReused,
        severity: Severity::Violation,
        title: "PartnerID on two tenants",
        what: "The same PartnerID (spaces and case aside) on two partners with different tenants; a finding on each.",
        why: "A CSP tenant and its location PartnerID are one to one.",
        source: "Manage locations (PartnerIDs and CSP tenants); Create an order for a customer of an indirect reseller",
        source_url: url::LOCATIONS,
        fix: "Give each tenant its own PartnerID.",
        example: "Adatum (tenant adatum) and Adatum EU (tenant adatum-eu) both with PartnerID 1234567",
    },
    RuleInfo {
        id: RuleId::GdapExpired,
        severity: Severity::Warning,
        title: "GDAP relationship expired",
        what: "An active GDAP admin link with auto-extend off whose date plus duration (730 days when none is recorded) is on or before the day checked, whatever the duration.",
        why: "The relationship has expired: the partner can no longer manage the customer (the reseller relationship and subscriptions stay). An expired admin link does not count for multi_channel.",
        source: "GDAP frequently asked questions; Introduction to granular delegated admin privileges (GDAP)",
        source_url: url::GDAP_FAQ,
        fix: "Renew it (a new GDAP request, the old one marked ended on its expiry) or mark it ended.",
        example: "Contoso → admin (90 days from 2021-01-01, no auto-extend) → Northwind, checked in 2022",
    },
    RuleInfo {
        id: RuleId::GdapRequestExpired,
        severity: Severity::Warning,
        title: "GDAP request expired",
        what: "A pending admin link dated more than 90 days before the day checked.",
        why: "A GDAP request that the customer does not approve within 90 days expires.",
        source: "GDAP frequently asked questions; Introduction to granular delegated admin privileges (GDAP)",
        source_url: url::GDAP_FAQ,
        fix: "Send a new request (always GDAP: DAP is no longer granted).",
        example: "Contoso → admin (pending since 2021-01-01) → Northwind, checked in 2022",
    },
    RuleInfo {
        id: RuleId::DapAfterDeprecation,
        severity: Severity::Warning,
        title: "DAP granted after its deprecation",
        what: "An admin link of type DAP dated on or after 2023-10-09.",
        why: "DAP is no longer granted with reseller relationship invitations from 9 October 2023 (and with new customers from 1 November 2023); GDAP replaces it.",
        source: "GDAP frequently asked questions (timelines for stopping DAP)",
        source_url: url::GDAP_FAQ,
        fix: "Use a GDAP relationship with the least-privileged roles.",
        example: "Contoso → admin (DAP, 2024-01-01) → Northwind",
    },
    RuleInfo {
        id: RuleId::RegistrationIdMissing,
        severity: Severity::Warning,
        title: "Registration ID missing",
        what: "A customer with a purchase or reseller link from a partner whose country is one of AM, AZ, BY, BR, HU, IN, IQ, KZ, KG, MD, MM, PL, RU, SA, ZA, SS, TJ, TH, TR, UA, AE, UZ, VE, VN and that has no registration ID.",
        why: "In these countries a partner creating a customer must give its business registration number; Partner Center refuses the customer without it.",
        source: "Add a new customer (the organization registration number some countries require)",
        source_url: url::ADD_CUSTOMER,
        fix: "Record the registration ID.",
        example: "Contoso → reseller → Northwind (PL, no registration ID)",
    },
    RuleInfo {
        id: RuleId::RelationshipRemovedWithActiveSubscriptions,
        severity: Severity::Violation,
        title: "Reseller relationship removed under active subscriptions",
        what: "On the day checked, a purchase that exists (made on or before it, not ended) whose seller's or billing provider's reseller relationship with the customer ended after the purchase's date and on or before that day, with no other reseller relationship of that partner with the customer in force.",
        why: "A reseller relationship can be removed only when the customer has no active subscriptions with that partner: they must be cancelled first (a suspended new-commerce subscription is still billed), and reservations and software cancelled.",
        source: "Remove a reseller relationship with a customer; Request a reseller relationship with a customer",
        source_url: url::REMOVE_RELATIONSHIP,
        fix: "End the purchase on or before the day the relationship ended, or keep the relationship (renew it).",
        example: "Contoso → reseller (ended 2023-06-30) → Northwind, while Northwind's 2021 purchase from Contoso goes on",
    },
    RuleInfo {
        id: RuleId::DirectBillBuysForResellerCustomer,
        severity: Severity::Violation,
        title: "Direct-bill purchase for a customer won as indirect reseller",
        what: "A purchase by a direct-bill partner for a customer that an indirect reseller on the same tenant had a reseller relationship with, made before the purchase's date.",
        why: "A partner enrolled both as a direct-bill partner and as an indirect reseller may not use its direct-bill capability for customers it won as an indirect reseller: those orders go through its indirect provider.",
        source: "Transition from CSP direct-bill partner to CSP indirect reseller; Indirect reseller tasks in Partner Center",
        source_url: url::TRANSITION,
        fix: "Sell it as the indirect reseller, billed by its provider.",
        example: "Fabrikam (direct-bill, tenant fabrikam) sells to Northwind, which Fabrikam Reseller (tenant fabrikam) serves since 2022",
    },
    RuleInfo {
        id: RuleId::TenantWithTwoPartnerIds,
        severity: Severity::Violation,
        title: "One tenant with two PartnerIDs",
        what: "Two partners on one tenant with different non-empty PartnerIDs (spaces and case aside); a finding on each.",
        why: "A CSP tenant and its location PartnerID are one to one (the other half of partner_id_reused).",
        source: "Manage locations (each location's CSP tenant and PartnerID)",
        source_url: url::LOCATIONS,
        fix: "Keep one PartnerID for the tenant.",
        example: "Fabrikam (direct-bill) and Fabrikam Reseller, both on tenant fabrikam, with PartnerIDs 1111111 and 2222222",
    },
    RuleInfo {
        id: RuleId::CustomersLeftBehind,
        severity: Severity::Warning,
        title: "Customers left behind by an ended partnership",
        what: "A partnership from provider P to reseller R ended on or before the day checked (and no other partnership from P to R is in force), while R still has a reseller or admin link with a customer that P also has a reseller relationship with; a finding on each of R's links.",
        why: "Ending a provider–reseller partnership removes neither the shared customers nor the admin access already granted; the provider must give notice and move or end them itself.",
        source: "Partner with indirect resellers in the CSP program; Indirect reseller tasks in Partner Center",
        source_url: url::PROVIDER_TASKS,
        fix: "Move the shared customers to another provider of the reseller, or end the reseller's relationships and admin access with them.",
        example: "Adatum's partnership with Contoso ended 2023-06-30; Contoso and Adatum both still have reseller relationships with Northwind",
    },
    RuleInfo {
        id: RuleId::PartnerIdOnRecordIsProvider,
        severity: Severity::Violation,
        title: "Order carries the provider's own PartnerID",
        what: "A purchase by an indirect reseller whose PartnerID on record is the PartnerID of its billing provider (the `via`, or without one its only provider with an accepted partnership, or any of them when it has several), even when that PartnerID is also the reseller's own.",
        why: "An order for an indirect reseller's customer must carry the reseller's PartnerID (PartnerIdOnRecord), never the provider's own: the reseller would lose the sale.",
        source: "Create an order for a customer of an indirect reseller",
        source_url: url::ORDER_FOR_RESELLER,
        fix: "Write the reseller's PartnerID on the order.",
        example: "Contoso Reseller → purchase (PartnerID on record 1000001, Adatum's) → Northwind, billed by Adatum",
    },
    RuleInfo {
        id: RuleId::PartnerIdOnRecordOther,
        severity: Severity::Warning,
        title: "Order carries another partner's PartnerID",
        what: "A purchase by an indirect reseller with a recorded PartnerID whose PartnerID on record is neither its own nor its provider's.",
        why: "The order is credited to another partner location, so incentives and the reseller's MPA status are not tied to this sale.",
        source: "Create an order for a customer of an indirect reseller; Manage locations",
        source_url: url::ORDER_FOR_RESELLER,
        fix: "Write the PartnerID the reseller onboarded with.",
        example: "Contoso Reseller (PartnerID 4847383) → purchase (PartnerID on record 9999001) → Northwind",
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
        assert_eq!(RuleId::ALL.len(), 34);
    }

    #[test]
    fn every_rule_has_a_public_partner_center_page_and_no_catalogue_citation() {
        for info in CATALOG {
            assert!(
                info.source_url
                    .starts_with("https://learn.microsoft.com/en-us/partner-center/"),
                "{}: {}",
                info.id,
                info.source_url
            );
            assert!(!info.source_url.contains(' '), "{}", info.id);
            assert!(!info.source.contains("catalogue group"), "{}", info.id);
        }
    }

    #[test]
    fn severities_order_worst_last() {
        assert!(Severity::Violation > Severity::Warning && Severity::Warning > Severity::Note);
    }
}
