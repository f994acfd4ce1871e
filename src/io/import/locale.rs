//! Owns: the words spreadsheets use in German, French, Spanish, Italian, Dutch, Portuguese and
//! Japanese for the columns and values the readers know. Must not: parse or check values (text.rs
//! and the readers do); every entry here maps a word onto a key the readers already understand.
//!
//! Partner managers keep their lists in their own language: `Land` and `Pays` for the country,
//! `WAHR`/`VRAI` for Excel's booleans, `Kunde` or `cliente` for a customer. Headers are compared
//! folded ([`super::text::fold`]: lower case, no spaces or punctuation), so one spelling of each word is enough.

use std::collections::HashMap;
use std::sync::LazyLock;

/// Header words per column key (the keys of the readers' column tables).
const HEADERS: &[(&str, &[&str])] = &[
    (
        "id",
        &[
            "Kennung",
            "identifiant",
            "identificador",
            "identificativo",
            "識別子",
        ],
    ),
    (
        "kind",
        &[
            "Art", "Typ", "Rolle", "rôle", "tipo", "soort", "種類", "種別",
        ],
    ),
    (
        "name",
        &[
            "Name",
            "Firmenname",
            "Firma",
            "Unternehmen",
            "nom",
            "raison sociale",
            "société",
            "nombre",
            "empresa",
            "nome",
            "azienda",
            "ragione sociale",
            "naam",
            "bedrijfsnaam",
            "bedrijf",
            "nome da empresa",
            "名前",
            "会社名",
            "名称",
            "企業名",
        ],
    ),
    (
        "country",
        &[
            "Land",
            "Ländercode",
            "Staat",
            "pays",
            "code pays",
            "país",
            "paese",
            "nazione",
            "landcode",
            "código do país",
            "国",
            "国/地域",
            "国名",
        ],
    ),
    (
        "organization",
        &[
            "organisatie",
            "organización",
            "organizzazione",
            "organização",
            "組織",
        ],
    ),
    (
        "tenant",
        &[
            "Mandant",
            "Mandanten-ID",
            "locataire",
            "ID de locataire",
            "inquilino",
            "ID de inquilino",
            "locatário",
            "テナント",
            "テナントID",
        ],
    ),
    (
        "mpa_signed",
        &[
            "MPA unterzeichnet",
            "MPA-Datum",
            "MPA signé",
            "date MPA",
            "MPA firmado",
            "MPA firmato",
            "MPA ondertekend",
            "MPA assinado",
            "MPA署名日",
        ],
    ),
    (
        "partner_id",
        &[
            "ID partenaire",
            "ID de socio",
            "ID do parceiro",
            "パートナーID",
        ],
    ),
    (
        "onboarded",
        &[
            "Onboarding",
            "intégré",
            "incorporado",
            "integrato",
            "aangesloten",
            "オンボード済み",
        ],
    ),
    (
        "enrolled",
        &[
            "registriert",
            "inscrit",
            "inscrito",
            "iscritto",
            "ingeschreven",
            "登録済み",
        ],
    ),
    (
        "mca_accepted",
        &[
            "MCA akzeptiert",
            "MCA accepté",
            "MCA aceptado",
            "MCA accettato",
            "MCA geaccepteerd",
            "MCA aceito",
            "MCA同意日",
        ],
    ),
    (
        "from",
        &[
            "von",
            "Verkäufer",
            "vendeur",
            "vendedor",
            "venditore",
            "verkoper",
            "van",
            "販売元",
        ],
    ),
    (
        "to",
        &[
            "an",
            "nach",
            "Käufer",
            "acheteur",
            "comprador",
            "acquirente",
            "koper",
            "naar",
            "販売先",
        ],
    ),
    (
        "date",
        &[
            "Datum",
            "seit",
            "Startdatum",
            "Beginn",
            "date de début",
            "depuis",
            "fecha",
            "fecha de inicio",
            "desde",
            "data",
            "data di inizio",
            "begindatum",
            "sinds",
            "data de início",
            "日付",
            "開始日",
        ],
    ),
    (
        "status",
        &[
            "Zustand",
            "statut",
            "état",
            "estado",
            "stato",
            "toestand",
            "状態",
            "ステータス",
        ],
    ),
    (
        "offer",
        &[
            "Angebot",
            "Produkt",
            "offre",
            "produit",
            "oferta",
            "producto",
            "offerta",
            "prodotto",
            "aanbieding",
            "produto",
            "オファー",
            "製品",
        ],
    ),
    (
        "publisher",
        &[
            "Herausgeber",
            "éditeur",
            "editor",
            "editore",
            "uitgever",
            "editora",
            "発行元",
        ],
    ),
    (
        "via",
        &["über", "par", "vía", "tramite", "por meio de", "経由"],
    ),
    (
        "ended",
        &[
            "Enddatum",
            "beendet",
            "date de fin",
            "terminé",
            "fecha de fin",
            "finalizado",
            "data di fine",
            "terminato",
            "einddatum",
            "beëindigd",
            "data de término",
            "encerrado",
            "終了日",
        ],
    ),
];

/// The localised header words of the column `key`.
pub fn header_aliases(key: &str) -> &'static [&'static str] {
    HEADERS
        .iter()
        .find(|(k, _)| *k == key)
        .map_or(&[], |(_, words)| words)
}

/// Excel's TRUE and FALSE as each language's Excel writes them, and yes/no.
const FLAGS: &[(&str, bool)] = &[
    ("wahr", true),
    ("ja", true),
    ("falsch", false),
    ("nein", false),
    ("vrai", true),
    ("oui", true),
    ("faux", false),
    ("non", false),
    ("verdadero", true),
    ("sí", true),
    ("si", true),
    ("falso", false),
    ("vero", true),
    ("waar", true),
    ("onwaar", false),
    ("nee", false),
    ("verdadeiro", true),
    ("sim", true),
    ("não", false),
    ("nao", false),
    ("はい", true),
    ("いいえ", false),
    ("真", true),
    ("偽", false),
];

/// A yes/no word in one of the languages, folded.
pub fn flag(folded: &str) -> Option<bool> {
    FLAGS.iter().find(|(w, _)| *w == folded).map(|(_, b)| *b)
}

/// Party kinds in words (folded), by the kind's key.
const PARTY_KINDS: &[(&str, &str)] = &[
    ("kunde", "customer"),
    ("endkunde", "customer"),
    ("cliente", "customer"),
    ("clientfinal", "customer"),
    ("klant", "customer"),
    ("eindklant", "customer"),
    ("顧客", "customer"),
    ("distributeur", "indirect_provider"),
    ("distribuidor", "indirect_provider"),
    ("distributore", "indirect_provider"),
    ("ディストリビューター", "indirect_provider"),
    ("wiederverkäufer", "indirect_reseller"),
    ("händler", "indirect_reseller"),
    ("revendeur", "indirect_reseller"),
    ("revendedor", "indirect_reseller"),
    ("rivenditore", "indirect_reseller"),
    ("wederverkoper", "indirect_reseller"),
    ("リセラー", "indirect_reseller"),
    ("販売店", "indirect_reseller"),
    ("direktabrechnung", "direct_bill"),
    ("facturationdirecte", "direct_bill"),
    ("facturacióndirecta", "direct_bill"),
    ("fatturazionediretta", "direct_bill"),
    ("directefacturering", "direct_bill"),
    ("faturamentodireto", "direct_bill"),
    ("直接請求", "direct_bill"),
];

/// The key of a party kind written in one of the languages (folded).
pub fn party_kind(folded: &str) -> Option<&'static str> {
    PARTY_KINDS
        .iter()
        .find(|(w, _)| *w == folded)
        .map(|(_, k)| *k)
}

/// Link kinds in words (folded), by the kind's key.
const LINK_KINDS: &[(&str, &str)] = &[
    ("lieferung", "supply"),
    ("approvisionnement", "supply"),
    ("suministro", "supply"),
    ("fornitura", "supply"),
    ("levering", "supply"),
    ("fornecimento", "supply"),
    ("供給", "supply"),
    ("partnerschaft", "partnership"),
    ("partenariat", "partnership"),
    ("asociación", "partnership"),
    ("partenariato", "partnership"),
    ("partnerschap", "partnership"),
    ("parceria", "partnership"),
    ("パートナーシップ", "partnership"),
    ("wiederverkäuferbeziehung", "reseller"),
    ("relationrevendeur", "reseller"),
    ("relaciónderevendedor", "reseller"),
    ("relazionerivenditore", "reseller"),
    ("resellerrelatie", "reseller"),
    ("relaçãoderevenda", "reseller"),
    ("リセラー関係", "reseller"),
    ("kauf", "purchase"),
    ("abonnement", "purchase"),
    ("achat", "purchase"),
    ("compra", "purchase"),
    ("suscripción", "purchase"),
    ("acquisto", "purchase"),
    ("abbonamento", "purchase"),
    ("aankoop", "purchase"),
    ("assinatura", "purchase"),
    ("購入", "purchase"),
    ("サブスクリプション", "purchase"),
];

/// The key of a link kind written in one of the languages (folded).
pub fn link_kind(folded: &str) -> Option<&'static str> {
    LINK_KINDS
        .iter()
        .find(|(w, _)| *w == folded)
        .map(|(_, k)| *k)
}

/// Countries by their names in the languages (and a few English short forms), lower case.
const COUNTRIES: &[(&str, &[&str])] = &[
    (
        "DE",
        &[
            "deutschland",
            "allemagne",
            "alemania",
            "germania",
            "duitsland",
            "alemanha",
            "ドイツ",
        ],
    ),
    (
        "AT",
        &[
            "österreich",
            "osterreich",
            "autriche",
            "oostenrijk",
            "áustria",
            "オーストリア",
        ],
    ),
    (
        "CH",
        &[
            "schweiz",
            "suisse",
            "suiza",
            "svizzera",
            "zwitserland",
            "suíça",
            "スイス",
        ],
    ),
    (
        "FR",
        &["frankreich", "francia", "frankrijk", "frança", "フランス"],
    ),
    (
        "ES",
        &[
            "spanien",
            "espagne",
            "españa",
            "espana",
            "spagna",
            "spanje",
            "espanha",
            "スペイン",
        ],
    ),
    (
        "IT",
        &[
            "italien",
            "italie",
            "italia",
            "italië",
            "itália",
            "イタリア",
        ],
    ),
    (
        "NL",
        &[
            "niederlande",
            "pays-bas",
            "países bajos",
            "paesi bassi",
            "nederland",
            "países baixos",
            "オランダ",
        ],
    ),
    (
        "BE",
        &[
            "belgien",
            "belgique",
            "bélgica",
            "belgio",
            "belgië",
            "ベルギー",
        ],
    ),
    ("PT", &["portogallo", "ポルトガル"]),
    (
        "LU",
        &["luxemburg", "luxemburgo", "lussemburgo", "ルクセンブルク"],
    ),
    (
        "US",
        &[
            "vereinigte staaten",
            "usa",
            "états-unis",
            "etats-unis",
            "estados unidos",
            "eeuu",
            "stati uniti",
            "verenigde staten",
            "アメリカ",
            "アメリカ合衆国",
            "米国",
        ],
    ),
    (
        "GB",
        &[
            "uk",
            "vereinigtes königreich",
            "großbritannien",
            "royaume-uni",
            "reino unido",
            "regno unito",
            "verenigd koninkrijk",
            "イギリス",
            "英国",
        ],
    ),
    (
        "IE",
        &["irland", "irlande", "irlanda", "ierland", "アイルランド"],
    ),
    ("JP", &["japon", "japón", "giappone", "japão", "日本"]),
    (
        "BR",
        &[
            "brasilien",
            "brésil",
            "brasil",
            "brasile",
            "brazilië",
            "ブラジル",
        ],
    ),
    (
        "MX",
        &["mexiko", "mexique", "méxico", "messico", "メキシコ"],
    ),
    ("CA", &["kanada", "canadá", "カナダ"]),
    (
        "PL",
        &[
            "polen",
            "pologne",
            "polonia",
            "polska",
            "polônia",
            "ポーランド",
        ],
    ),
    (
        "SE",
        &[
            "schweden",
            "suède",
            "suecia",
            "svezia",
            "zweden",
            "sverige",
            "スウェーデン",
        ],
    ),
    (
        "DK",
        &[
            "dänemark",
            "danemark",
            "dinamarca",
            "danimarca",
            "denemarken",
            "デンマーク",
        ],
    ),
    (
        "NO",
        &[
            "norwegen",
            "norvège",
            "noruega",
            "norvegia",
            "noorwegen",
            "ノルウェー",
        ],
    ),
    ("FI", &["finnland", "finlande", "finlandia", "フィンランド"]),
    ("CN", &["chine", "cina", "中国"]),
    ("IN", &["indien", "inde", "índia", "インド"]),
    (
        "AU",
        &["australien", "australie", "austrália", "オーストラリア"],
    ),
    (
        "KR",
        &[
            "südkorea",
            "corée du sud",
            "corea del sur",
            "corea del sud",
            "zuid-korea",
            "韓国",
        ],
    ),
];

static COUNTRY_NAMES: LazyLock<HashMap<&'static str, &'static str>> = LazyLock::new(|| {
    COUNTRIES
        .iter()
        .flat_map(|(code, names)| names.iter().map(move |n| (*n, *code)))
        .collect()
});

/// The alpha-2 code of a country named in one of the languages (`lower`: trimmed, lower case).
pub fn country(lower: &str) -> Option<&'static str> {
    COUNTRY_NAMES.get(lower).copied()
}

/// Every localised country name with its code, for suggestions.
pub fn country_names() -> impl Iterator<Item = (&'static str, &'static str)> {
    COUNTRIES
        .iter()
        .flat_map(|(code, names)| names.iter().map(move |n| (*n, *code)))
}

/// Every localised header word with its key: for the check (in text.rs, which folds) that no
/// word means two columns.
#[cfg(test)]
pub fn header_words() -> impl Iterator<Item = (&'static str, &'static str)> {
    HEADERS
        .iter()
        .flat_map(|(key, words)| words.iter().map(move |w| (*w, *key)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_kinds_and_countries_in_other_languages() {
        assert_eq!(flag("wahr"), Some(true));
        assert_eq!(flag("faux"), Some(false));
        assert_eq!(flag("sí"), Some(true));
        assert_eq!(party_kind("kunde"), Some("customer"));
        assert_eq!(link_kind("abonnement"), Some("purchase"));
        assert_eq!(country("deutschland"), Some("DE"));
        assert_eq!(country("日本"), Some("JP"));
    }
}
