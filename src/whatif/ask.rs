//! "Can party X sell offer O to customer C?": answered by trying the sale on a copy of the scenario
//! and running the same rules that colour the canvas. Must not keep the trial: the scenario asked
//! about is left as it was.
//!
//! The trial adds the purchase, dated on the as-of date, and the reseller relationships a sale needs
//! when they are missing (those are steps the partner can take, so they are reported as *needs*, not
//! as blockers). For an indirect reseller it tries each of its providers as the billing one and
//! answers with the best.

use crate::model::{Date, Link, LinkKind, LinkStatus, PartyId, PartyKind, Scenario};
use crate::rules::{Finding, Severity, Subject, check_subject};
use serde::Serialize;

/// The question.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Question {
    /// The partner that would sell.
    pub seller: PartyId,
    /// The customer that would buy.
    pub customer: PartyId,
    /// The offer ("Azure", "Microsoft 365 E3", …).
    pub offer: String,
}

/// Why a question cannot be asked.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AskError {
    /// No party has this id.
    #[error("no party has id `{0}`")]
    UnknownParty(String),
    /// Seller and customer are the same party.
    #[error("`{0}` cannot sell to itself: pick a customer")]
    SameParty(String),
}

/// The answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    /// What was asked.
    pub question: Question,
    /// True when the sale would break no rule.
    pub yes: bool,
    /// The chain the sale would use, from Microsoft down to the customer.
    pub chain: Vec<PartyId>,
    /// The indirect provider that would bill an indirect reseller's sale.
    pub via: Option<PartyId>,
    /// Allowed steps that are still missing (a reseller relationship), in words.
    pub needs: Vec<String>,
    /// Every violation that stands in the way.
    pub blockers: Vec<Finding>,
    /// Warnings the sale would carry.
    pub cautions: Vec<Finding>,
    /// The as-of date the answer holds for.
    pub as_of: Date,
    /// The links that would make the sale: the missing reseller relationships, then the purchase
    /// (with ids free in the scenario), so the GUI can add them as one step.
    pub links: Vec<Link>,
}

impl Answer {
    /// The answer in a few lines of text.
    pub fn to_text(&self, scenario: &Scenario) -> String {
        use std::fmt::Write as _;
        let name = |id: &PartyId| {
            scenario
                .party(id.as_str())
                .map_or(id.to_string(), |p| p.name.clone())
        };
        let q = &self.question;
        let mut out = String::new();
        let _ = writeln!(
            out,
            "Can {} sell {} to {} (as of {})? {}",
            name(&q.seller),
            q.offer,
            name(&q.customer),
            self.as_of,
            if self.yes { "Yes." } else { "No." }
        );
        let chain: Vec<String> = self.chain.iter().map(name).collect();
        let _ = writeln!(out, "Chain: {}", chain.join(" → "));
        for need in &self.needs {
            let _ = writeln!(out, "Needs: {need}");
        }
        for f in &self.blockers {
            let _ = writeln!(out, "Blocked by {}: {}", f.rule, f.message);
            let _ = writeln!(out, "  Fix: {}", f.info().fix);
        }
        for f in &self.cautions {
            let _ = writeln!(out, "Caution, {}: {}", f.rule, f.message);
        }
        out
    }

    /// The answer as JSON.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "format_version": crate::JSON_FORMAT_VERSION,
            "seller": self.question.seller.as_str(),
            "customer": self.question.customer.as_str(),
            "offer": self.question.offer,
            "as_of": self.as_of.to_string(),
            "answer": if self.yes { "yes" } else { "no" },
            "chain": self.chain.iter().map(PartyId::as_str).collect::<Vec<_>>(),
            "via": self.via.as_ref().map(PartyId::as_str),
            "needs": self.needs,
            "blockers": self.blockers.iter().map(Finding::to_json).collect::<Vec<_>>(),
            "cautions": self.cautions.iter().map(Finding::to_json).collect::<Vec<_>>(),
        })
    }
}

/// Answers a question about the scenario as of its as-of date.
pub fn ask(scenario: &Scenario, question: &Question) -> Result<Answer, AskError> {
    for id in [&question.seller, &question.customer] {
        if scenario.party(id.as_str()).is_none() {
            return Err(AskError::UnknownParty(id.to_string()));
        }
    }
    if question.seller == question.customer {
        return Err(AskError::SameParty(question.seller.to_string()));
    }
    let seller_kind = scenario
        .party(question.seller.as_str())
        .map(|p| p.kind)
        .ok_or_else(|| AskError::UnknownParty(question.seller.to_string()))?;
    // The billing providers to try: accepted partnerships first, then pending ones.
    let mut vias: Vec<Option<PartyId>> = Vec::new();
    if seller_kind == PartyKind::IndirectReseller {
        let mut partnerships: Vec<&Link> = scenario
            .links_to(question.seller.as_str())
            .filter(|l| l.kind == LinkKind::Partnership && l.exists_at(scenario.as_of()))
            .collect();
        // The provider already billing this seller's relationship with the customer comes first.
        let billing: Option<PartyId> = scenario
            .links_to(question.customer.as_str())
            .filter(|l| l.kind == LinkKind::Reseller && l.from == question.seller)
            .find_map(|l| l.via);
        partnerships.sort_by_key(|l| {
            (
                billing.as_ref() != Some(&l.from),
                l.status != LinkStatus::Accepted,
                l.from,
            )
        });
        for l in partnerships {
            if !vias.contains(&Some(l.from)) {
                vias.push(Some(l.from));
            }
        }
    }
    if vias.is_empty() {
        vias.push(None);
    }
    let answers = vias.into_iter().map(|via| attempt(scenario, question, via));
    Ok(answers
        .min_by_key(|a| (a.blockers.len(), a.needs.len(), a.cautions.len()))
        .expect("at least one billing option is tried"))
}

fn attempt(scenario: &Scenario, question: &Question, via: Option<PartyId>) -> Answer {
    let as_of = scenario.as_of();
    let mut trial = scenario.clone();
    let name = |id: &PartyId| {
        scenario
            .party(id.as_str())
            .map_or(id.to_string(), |p| p.name.clone())
    };
    let mut checked = Vec::new();
    let mut needs = Vec::new();
    let mut made = Vec::new();
    // The reseller relationships the sale needs: the seller's, and the billing provider's.
    for partner in std::iter::once(&question.seller).chain(via.as_ref()) {
        let has = scenario
            .links_to(question.customer.as_str())
            .any(|l| l.kind == LinkKind::Reseller && l.from == *partner && l.exists_at(as_of));
        if has {
            continue;
        }
        let id = trial.fresh_link_id(&format!("reseller-{partner}-{}", question.customer));
        let mut relationship =
            Link::new(id, LinkKind::Reseller, *partner, question.customer, as_of);
        if *partner == question.seller {
            relationship.via = via;
        }
        if trial.add_link(relationship.clone()).is_ok() {
            made.push(relationship);
            needs.push(format!(
                "a reseller relationship from {} to {}",
                name(partner),
                name(&question.customer)
            ));
            checked.push(id);
        }
    }
    let id = trial.fresh_link_id(&format!(
        "purchase-{}-{}",
        question.seller, question.customer
    ));
    let mut purchase = Link::new(
        id,
        LinkKind::Purchase,
        question.seller,
        question.customer,
        as_of,
    )
    .offer(&question.offer);
    purchase.via = via;
    let mut findings = Vec::new();
    if trial.add_link(purchase.clone()).is_ok() {
        made.push(purchase);
        checked.push(id);
    }
    for link in &checked {
        findings.extend(check_subject(&trial, as_of, &Subject::Link(*link)));
    }
    let mut blockers = Vec::new();
    let mut cautions = Vec::new();
    for f in findings {
        let list = match f.severity {
            Severity::Violation => &mut blockers,
            Severity::Warning => &mut cautions,
            Severity::Note => continue,
        };
        if !list
            .iter()
            .any(|g: &Finding| g.rule == f.rule && g.message == f.message)
        {
            list.push(f);
        }
    }
    let mut chain: Vec<PartyId> = scenario.microsoft().map(|m| m.id).into_iter().collect();
    chain.extend(via.iter().cloned());
    chain.push(question.seller);
    chain.push(question.customer);
    Answer {
        question: question.clone(),
        yes: blockers.is_empty(),
        chain,
        via,
        needs,
        blockers,
        cautions,
        as_of,
        links: made,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenarios::builtin;

    fn load(slug: &str) -> Scenario {
        builtin(slug).unwrap().load().unwrap()
    }

    fn q(seller: &str, customer: &str) -> Question {
        Question {
            seller: seller.into(),
            customer: customer.into(),
            offer: "Azure".into(),
        }
    }

    #[test]
    fn unknown_parties_and_self_sales_are_refused_not_answered() {
        let s = load("sample-1");
        assert_eq!(
            ask(&s, &q("nobody", "microsoft")),
            Err(AskError::UnknownParty("nobody".into()))
        );
        assert_eq!(
            ask(&s, &q("microsoft", "microsoft")),
            Err(AskError::SameParty("microsoft".into()))
        );
    }

    /// Regression: an upper-case partner tenant and the same tenant in lower case on the customer
    /// were two tenants, so own use on the CSP tenant was missed and `ask` said "Yes".
    #[test]
    fn own_use_on_a_partner_tenant_written_in_another_case_is_a_no() {
        let mut s = load("sample-1");
        let reseller = s
            .parties()
            .find(|p| p.kind == PartyKind::IndirectReseller)
            .unwrap()
            .clone();
        let customer = s
            .parties()
            .find(|p| p.kind == PartyKind::Customer)
            .unwrap()
            .clone();
        let seller = s
            .parties()
            .find(|p| p.kind == PartyKind::DirectBill)
            .unwrap()
            .id;
        let mut upper = reseller.clone();
        upper.tenant = "0A1B2C3D-0000-4000-8000-0000000000BB".into();
        s.replace_party(upper).unwrap();
        let mut own = customer.clone();
        own.tenant = "0a1b2c3d-0000-4000-8000-0000000000bb".into();
        s.replace_party(own).unwrap();
        let answer = ask(&s, &q(seller.as_str(), customer.id.as_str())).unwrap();
        assert!(!answer.yes, "{}", answer.to_text(&s));
        assert!(
            answer
                .blockers
                .iter()
                .any(|f| f.rule == crate::rules::RuleId::OwnUseOnCspTenant),
            "{}",
            answer.to_text(&s)
        );
    }
}
