//! Matching tests: signatures, comparison, weights, periods, titles,
//! boilerplate; deliverables in their own module.

use super::*;
use crate::core::normalize::fold;

static RULES: std::sync::LazyLock<Rules> =
    std::sync::LazyLock::new(|| Rules::bundled().expect("bundled rules"));

fn signature_of(f: &str) -> Signature {
    signature(f, &[], &RULES)
}

fn df_of(texts: &[&str]) -> Df {
    let mut df = Df::default();
    for t in texts {
        df.add(&signature(&fold(t), &[], &RULES));
    }
    df
}

proptest::proptest! {
    /// The few-periods path says what grouping the periods by kind says.
    #[test]
    fn periods_differ_on_the_stack_as_by_groups(
        a in proptest::sample::subsequence(PERIODS.to_vec(), 0..12),
        b in proptest::sample::subsequence(PERIODS.to_vec(), 0..12),
    ) {
        let set = |mut v: Vec<&str>| sorted_set(&mut v);
        let (a, b) = (set(a), set(b));
        proptest::prop_assert_eq!(
            periods_differ(&a, &b),
            !a.is_empty() && !b.is_empty() && periods_differ_by_groups(&a, &b)
        );
    }
}

/// What [`periods_differ`] computed before its kinds went on the stack:
/// `a`'s periods grouped by kind.
fn periods_differ_by_groups(a: &[Box<str>], b: &[Box<str>]) -> bool {
    let kb: Vec<u8> = b.iter().map(|p| period_kind(p)).collect();
    let mut ka: Vec<(u8, &str)> = a.iter().map(|p| (period_kind(p), &**p)).collect();
    ka.sort_unstable();
    ka.chunk_by(|x, y| x.0 == y.0).any(|same_kind| {
        let kind = same_kind[0].0;
        kb.contains(&kind)
            && same_kind
                .iter()
                .all(|(_, x)| b.binary_search_by(|y| (**y).cmp(x)).is_err())
    })
}

const PERIODS: &[&str] = &[
    "3月份",
    "4月份",
    "3月",
    "6月上旬",
    "6月下旬",
    "2024年",
    "2023年度",
    "第一季度",
    "q2",
    "本周",
    "上周",
    "下月",
    "本月",
    "last week",
    "this month",
    "march",
    "april",
    "2024",
];

proptest::proptest! {
    /// Looking the candidate's terms up gives what merging the two
    /// sorted lists gives, the weight summed in the same order.
    #[test]
    fn looked_up_shared_weight_is_the_merged_one(
        a in proptest::collection::btree_set(proptest::prelude::any::<u32>(), 0..200),
        b in proptest::collection::btree_set(proptest::prelude::any::<u32>(), 0..200),
        common in proptest::collection::btree_set(proptest::prelude::any::<u32>(), 0..60),
        docs in 1u32..1000,
    ) {
        let a: Vec<Term> = a.union(&common).copied().collect();
        let b: Vec<Term> = b.union(&common).copied().collect();
        let sig = Signature {
            terms: a.clone().into(),
            ..signature_of("")
        };
        // Uneven weights, so that a different order of summing would show.
        let mut df = Df { docs, ..Df::default() };
        for (i, t) in a.iter().enumerate() {
            df.counts.insert(*t, (i as u32 * 7919) % docs);
        }
        let w = Weighed::new(&sig, &df);
        let (s1, n1) = w.shared(&b);
        let (s2, n2) = shared_weight(&a, &w.weights, &b);
        proptest::prop_assert_eq!(n1, n2);
        proptest::prop_assert_eq!(s1.to_bits(), s2.to_bits());
    }
}

/// `signature` as it was before its fast paths: every regex run, the
/// synonyms and deliverables by the regex alone.
fn reference_signature(folded: &str, names: &[String], rules: &Rules) -> Signature {
    let body = rules.canonical_by_regex(strip_boilerplate(folded));
    let mut body = rules.strip(&body).into_owned();
    body = MENTION.replace_all(&body, " ").into_owned();
    for n in names {
        if body.contains(n.as_str()) {
            body = body.replace(n.as_str(), " ");
        }
    }
    let mut hashes: Vec<Term> = Vec::new();
    body_terms(&body, rules, |t| hashes.push(fnv(t.as_bytes())));
    hashes.sort_unstable();
    hashes.dedup();
    let quoted = QUOTED
        .captures_iter(folded)
        .filter_map(|c| {
            c.iter()
                .skip(1)
                .flatten()
                .next()
                .map(|m| Box::<str>::from(m.as_str().trim()))
        })
        .collect();
    let set = |v: Vec<Box<str>>| {
        let mut v = v;
        v.sort_unstable();
        v.dedup();
        Box::<[Box<str>]>::from(v)
    };
    let periods = set(PERIOD
        .find_iter(folded)
        .filter(|m| !times_the_ask(m.as_str(), &folded[m.end()..]))
        .map(|m| m.as_str().trim_end_matches(['的', '度', '\'', 's']).into())
        .collect());
    // A named form: two Han characters, the second not a counter, pointer
    // or verb, then 表 not opening another word; unknown to the vocabulary.
    static FORM_RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            "^[\u{3400}-\u{4DBF}\u{4E00}-\u{9FFF}]\
             [\u{3400}-\u{4DBF}\u{4E00}-\u{9FFF}--[一二两三几张份个这那该此本各每填报发代列附图外上下的和与及或课时]]表\
             (?:$|[^示扬彰态现格率决达明演述])",
        )
        .expect("form pattern")
    });
    let forms = asked_clauses(folded).flat_map(|c| {
        let canonical = rules.canonical_by_regex(c);
        let cs: Vec<char> = canonical.chars().collect();
        (2..cs.len())
            .filter(|&i| cs[i] == '表')
            .filter_map(|i| {
                let window: String = cs[i - 2..(i + 2).min(cs.len())].iter().collect();
                FORM_RE
                    .is_match(&window)
                    .then(|| cs[i - 2..=i].iter().collect::<String>())
            })
            .filter(|f| rules.deliverables_by_regex(f).is_empty())
            .map(|f| format!("{FORM}{f}").into_boxed_str())
            .collect::<Vec<_>>()
    });
    let links = asked_clauses(folded).flat_map(|c| {
        LINK.find_iter(c)
            .map(|m| format!("{FORM}{}", link_of(m.as_str())).into_boxed_str())
            .collect::<Vec<_>>()
    });
    let deliverables = set(asked_clauses(folded)
        .flat_map(|c| rules.deliverables_by_regex(c))
        .filter(|(_, generic)| !generic)
        .map(|(k, _)| k.into())
        .chain(forms)
        .chain(links)
        .collect());
    Signature {
        terms: hashes.into(),
        quoted,
        periods,
        deliverables,
        wsum: Default::default(),
    }
}

proptest::proptest! {
    /// The signature is the one every regex would give, with the
    /// bundled rules and with odd ones, with and without names.
    #[test]
    fn signature_is_the_general_paths_one(text in crate::core::rules::tests::text_strategy()) {
        let mut sets = vec![Rules::bundled().expect("bundled")];
        for r in crate::core::rules::tests::ODD_RULES {
            sets.push(Rules::parse("odd.toml", r).expect("valid"));
        }
        let names = ["张三".to_string(), "ab".to_string()];
        for folded in [fold(&text), text.clone()] {
            for r in &sets {
                for ns in [&names[..0], &names[..]] {
                    proptest::prop_assert_eq!(
                        signature(&folded, ns, r),
                        reference_signature(&folded, ns, r)
                    );
                }
            }
        }
    }
}

const A: &str = "【通知】各乡镇：请于3月6日12时前报送学雷锋志愿服务活动信息（附照片3张）";
const B: &str = "各村联络员：学雷锋志愿服务活动的照片和情况说明，明天下午5点前发我";
const C: &str = "各乡镇：请于3月6日12时前报送2月份文化站活动统计表";

#[test]
fn same_work_worded_differently_scores_above_template_twins() {
    let df = df_of(&[A, B, C, "收到", "好的", "各位：今天下午5点前报送走访照片"]);
    let ab = compare(&signature_of(&fold(B)), &signature_of(&fold(A)), &df);
    let ac = compare(&signature_of(&fold(C)), &signature_of(&fold(A)), &df);
    assert!(ab.score > ac.score, "ab {ab:?} ac {ac:?}");
}

#[test]
fn different_periods_are_penalised_and_explained() {
    let df = df_of(&[]);
    let x = signature_of(&fold("请报送2月份文化活动统计表"));
    let y = signature_of(&fold("请报送3月份文化活动统计表"));
    let v = compare(&x, &y, &df);
    assert!(
        v.reasons
            .iter()
            .any(|r| matches!(r, Reason::DifferentPeriods(..))),
        "{v:?}"
    );
    let same = compare(&x, &x, &df);
    assert!(same.score > v.score + 0.3);
}

#[test]
fn shared_title_is_a_reason() {
    let df = df_of(&[]);
    let x = signature_of(&fold("请点赞转发《云岭县工作要点》并截图"));
    let y = signature_of(&fold("转发今日推文《云岭县工作要点》，截图发群"));
    let v = compare(&x, &y, &df);
    assert!(
        v.reasons.iter().any(|r| matches!(r, Reason::SameTitle(_))),
        "{v:?}"
    );
}

#[test]
fn shared_words_are_whole_phrases_in_plain_words() {
    let a = fold("各村：请明天下班前把背街小巷乱堆放清理一遍");
    let b = fold("各社区今天下班前把责任片区背街小巷的乱堆放清理干净");
    let words = shared_terms(&a, &b, &[], &RULES, &Df::default(), 5);
    assert!(words.contains(&"背街小巷".to_string()), "{words:?}");
    assert!(words.iter().any(|w| w.contains("乱堆放")), "{words:?}");
    let zh = reasons_text(
        &[Reason::Words(words.clone()), Reason::Relay],
        crate::model::Lang::Zh,
    );
    assert!(zh.starts_with("共同的词：") && zh.contains("转发"), "{zh}");
    let en = reasons_text(
        &[Reason::DifferentPeriods(
            vec!["2月份".into()].into(),
            vec!["3月份".into()].into(),
        )],
        crate::model::Lang::En,
    );
    assert_eq!(en, "different periods (2月份 vs 3月份)");
}

#[test]
fn a_clock_time_is_no_salutation() {
    // "…下午2:30" is a time, not "to whom:": the text stays whole.
    let t = "会议时间调整为明天下午2:30，地点不变";
    assert_eq!(strip_boilerplate(t), t);
    assert_eq!(
        strip_boilerplate("转发：【会议通知】定于3月7日上午9:00在镇政府开会"),
        "定于3月7日上午9:00在镇政府开会"
    );
    assert_eq!(strip_boilerplate("转发：各村联络员：明天交"), "明天交");
}

#[test]
fn a_relative_week_that_times_the_ask_is_no_period() {
    let due = signature_of(&fold("集体经济年报下周二下班前交财政所"));
    assert!(due.periods.is_empty(), "{:?}", due.periods);
    let named = signature_of(&fold("请报送本周小结"));
    assert!(
        named.periods.iter().any(|p| &**p == "本周"),
        "{:?}",
        named.periods
    );
    // A year and a deadline week are not "different periods".
    let year = signature_of(&fold("2023年度村集体经济收益分配统计年报请报财政所"));
    let v = compare(&due, &year, &Df::default());
    assert!(
        !v.reasons
            .iter()
            .any(|r| matches!(r, Reason::DifferentPeriods(..))),
        "{v:?}"
    );
    // Periods of different kinds are not compared; of one kind they are.
    let march = signature_of(&fold("2024年3月份文化活动统计表"));
    let y2024 = signature_of(&fold("2024年文化活动统计表"));
    assert!(!periods_differ(&march.periods, &y2024.periods));
    let feb = signature_of(&fold("2024年2月份文化活动统计表"));
    assert!(periods_differ(&march.periods, &feb.periods));
}

#[test]
fn the_same_month_is_a_reason_a_shared_year_is_not() {
    let df = df_of(&[]);
    let a = signature_of(&fold("县里要2月份文化活动统计，各村报给我"));
    let b = signature_of(&fold("请填报《2月份乡镇综合文化站活动开展情况统计表》"));
    let v = compare(&a, &b, &df);
    assert!(
        v.reasons.iter().any(|r| matches!(r, Reason::SamePeriod(_))),
        "{v:?}"
    );
    let without = compare(
        &signature_of(&fold("县里要文化活动统计，各村报给我")),
        &signature_of(&fold("请填报《乡镇综合文化站活动开展情况统计表》")),
        &df,
    );
    assert!(v.score > without.score + 0.05, "{v:?} {without:?}");
    // Precision trap: year-end work all covers the year.
    let x = signature_of(&fold("2023年度党费请收缴完毕"));
    let y = signature_of(&fold("2023年度党员学时统计"));
    let v = compare(&x, &y, &df);
    assert!(
        !v.reasons.iter().any(|r| matches!(r, Reason::SamePeriod(_))),
        "{v:?}"
    );
}

#[test]
fn a_quoted_title_named_without_quotes_is_the_same_title() {
    let df = df_of(&[]);
    let quoted = signature_of(&fold("请结合“三八”国际妇女节开展一次巾帼志愿服务活动"));
    let plain = signature_of(&fold("三八节活动照片周五前发宣传办"));
    let v = compare(&plain, &quoted, &df);
    assert!(
        v.reasons.iter().any(|r| matches!(r, Reason::SameTitle(_))),
        "{v:?}"
    );
    // Precision trap: part of a title is not the title.
    let part = signature_of(&fold("学雷锋活动照片还没发"));
    let titled = signature_of(&fold("3月5日是“学雷锋纪念日”，请开展志愿服务"));
    let v = compare(&part, &titled, &df);
    assert!(
        !v.reasons.iter().any(|r| matches!(r, Reason::SameTitle(_))),
        "{v:?}"
    );
}

#[test]
fn salutation_is_not_work() {
    assert_eq!(strip_boilerplate("各村宣传联络员：明天交"), "明天交");
    assert_eq!(strip_boilerplate("【通知】各乡镇：请报"), "请报");
}

mod deliverable {
    use super::*;
    use crate::core::normalize::fold;

    #[test]
    fn a_purpose_clause_names_no_deliverable() {
        let rules = Rules::bundled().expect("bundled rules");
        let kinds = |t: &str| signature(&fold(t), &[], &rules).deliverables;
        // The summary is what the photos feed, not what is asked for.
        let fed = kinds("@小王 活动照片下周一上午发我，县里年终总结要用。");
        assert!(!fed.iter().any(|d| &**d == "总结"), "{fed:?}");
        let fed = kinds("把各村的照片整理好，用于年度总结");
        assert!(!fed.iter().any(|d| &**d == "总结"), "{fed:?}");
        // Asked for, it is the deliverable.
        let asked = kinds("请各村下周一前报送年终总结");
        assert!(asked.iter().any(|d| &**d == "总结"), "{asked:?}");
    }

    #[test]
    fn an_inspections_scope_names_no_deliverable() {
        let rules = Rules::bundled().expect("bundled rules");
        let kinds = |t: &str| signature(&fold(t), &[], &rules).deliverables;
        // What the visitors will look at is not what is handed in: the ask
        // is getting ready for them.
        let prep = kinds(
            "督查组周四上午到站里检查，重点检查：1.消防台账；2.值班表。请明天下班前做好迎检准备。",
        );
        assert!(
            !prep.iter().any(|d| &**d == "台账" || &**d == "值班表"),
            "{prep:?}"
        );
        assert!(prep.iter().any(|d| &**d == "迎检"), "{prep:?}");
        // Outside a scope list the same words are the deliverable.
        let asked = kinds("请各站周四前报送消防台账和值班表。");
        assert!(asked.iter().any(|d| &**d == "台账"), "{asked:?}");
    }

    #[test]
    fn same_deliverable_is_a_reason() {
        let rules = Rules::bundled().expect("bundled rules");
        let a = signature(
            &fold("Site leads, please complete the site readiness checklist (room, tables)"),
            &[],
            &rules,
        );
        let b = signature(
            &fold("can you walk the gym and do the readiness checklist?"),
            &[],
            &rules,
        );
        assert!(
            a.deliverables.iter().any(|d| &**d == "checklist"),
            "{:?}",
            a.deliverables
        );
        let v = compare(&b, &a, &Df::default());
        assert!(
            v.reasons
                .iter()
                .any(|r| matches!(r, Reason::SameDeliverable(_))),
            "{v:?}"
        );
    }
}

#[test]
fn a_clause_naming_the_other_work_names_no_deliverable() {
    let kinds = |t: &str| signature_of(&fold(t)).deliverables.to_vec();
    let ledger: Box<str> = "台账".into();
    assert!(kinds("专项台账周四上午报安全科").contains(&ledger));
    for text in [
        "6月份隐患排查月报照常月底前报送，与本周的专项台账是两回事，请分开报",
        "6月份隐患排查月报（常规月报，不是这次的专项台账）27号前交",
        "家访记录表单独一张，不要和台账合并，周五前报",
    ] {
        assert!(!kinds(text).contains(&ledger), "{text}: {:?}", kinds(text));
    }
    let rules = Rules::bundled().expect("bundled rules");
    assert_eq!(
        other_work_deliverables(
            &fold("家访记录是单独一张表，不要和回执统计表合并，周五前报"),
            &rules
        ),
        vec!["回执", "统计表"]
    );
    assert!(other_work_deliverables(&fold("回执统计表周五前报"), &rules).is_empty());
    // Both asked, each on its own: no other work named.
    assert!(kinds("排查表和整改台账分开报，周五前交").contains(&ledger));
    assert!(kinds("同时把台账和照片分开报").contains(&ledger));
}

#[test]
fn an_at_mention_says_who_is_asked_not_what() {
    let a = signature_of(&fold("@dongxj_jj 交接班确认还没看到"));
    let b = signature_of(&fold("自查照片还差，@dongxj_jj 呢？"));
    let df = df_of(&[]);
    let v = compare(&a, &b, &df);
    assert_eq!(v.features[crate::core::dupmodel::f::CONTENT], 0.0, "{v:?}");
    assert_eq!(
        signature_of(&fold("@wang_lei 台账周五前报")).terms,
        signature_of(&fold("台账周五前报")).terms
    );
}

mod form {
    use super::*;
    use crate::core::dupmodel::f;

    fn forms(t: &str) -> Vec<String> {
        signature_of(&fold(t))
            .deliverables
            .iter()
            .filter(|d| is_form(d))
            .map(|d| d.trim_start_matches(FORM).to_string())
            .collect()
    }

    #[test]
    fn a_form_is_named_by_the_two_characters_before_its_biao() {
        assert_eq!(forms("请于周四前报送《资助对象核查表》纸质版"), ["核查表"]);
        assert_eq!(forms("核查表东岗已报，西山还没报"), ["核查表"]);
        assert_eq!(forms("各里的清除成果表和照片5/23中午前传给我"), ["成果表"]);
    }

    #[test]
    fn counting_pointing_filling_and_other_words_name_no_form() {
        for t in [
            "每户填一张表，明天交",
            "这个表周五前报我",
            "周五前填表报送",
            "请各单位派代表参加，周三前报名",
            "表扬先进，周五前报材料",
            "报表周五前发我",
        ] {
            assert!(forms(t).is_empty(), "{t}: {:?}", forms(t));
        }
    }

    #[test]
    fn a_form_the_vocabulary_knows_is_weighed_as_its_kind_only() {
        let sig = signature_of(&fold("防汛物资统计表周五前报应急局"));
        assert_eq!(&*sig.deliverables, [Box::<str>::from("统计表")]);
    }

    #[test]
    fn the_same_form_and_different_forms_are_signals_of_their_own() {
        let df = df_of(&[]);
        let ask = signature_of(&fold("请于周四前报送《资助对象核查表》"));
        let chaser = signature_of(&fold("核查表东岗已报，西山还没报"));
        let other = signature_of(&fold("安全隐患自评表周五前报我"));
        let same = compare(&chaser, &ask, &df);
        assert_eq!(same.features[f::SAME_FORM], 1.0);
        assert_eq!(same.features[f::DIFFERENT_FORMS], 0.0);
        assert_eq!(
            same.features[f::SAME_DELIVERABLE],
            0.0,
            "a form is not a vocabulary kind"
        );
        assert!(
            same.reasons
                .iter()
                .any(|r| matches!(r, Reason::SameDeliverable(d) if d == "核查表"))
        );
        let differ = compare(&other, &ask, &df);
        assert_eq!(differ.features[f::SAME_FORM], 0.0);
        assert_eq!(differ.features[f::DIFFERENT_FORMS], 1.0);
        assert_eq!(differ.features[f::DIFFERENT_DELIVERABLES], 0.0);
    }

    #[test]
    fn a_form_online_is_named_by_its_link() {
        let df = df_of(&[]);
        let ask = signature_of(&fold(
            "各单位：安全文化问卷今天上线，请组织员工填写：https://wj.example.cn/s/aqwh-yg ，周五前完成。",
        ));
        let relay = signature_of(&fold(
            "问卷链接：https://wj.example.cn/s/aqwh-yg 各班组明天中午前填完",
        ));
        let other = signature_of(&fold(
            "管理人员版是另一个链接：https://wj.example.cn/s/aqwh-gl.",
        ));
        assert_eq!(
            forms("填写：https://wj.example.cn/s/aqwh-gl."),
            ["https://wj.example.cn/s/aqwh-gl"]
        );
        assert_eq!(compare(&relay, &ask, &df).features[f::SAME_FORM], 1.0);
        assert_eq!(compare(&other, &ask, &df).features[f::DIFFERENT_FORMS], 1.0);
    }

    #[test]
    fn a_chaser_naming_only_its_form_is_still_thin() {
        let sig = signature_of(&fold("成果表还差两个里"));
        assert!(sig.deliverables.iter().any(|d| is_form(d)));
        assert!(is_thin(&sig));
    }
}
