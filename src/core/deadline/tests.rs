use super::*;
use crate::core::calendar::lunar::lunar_to_solar;
use crate::core::calendar::named::{TABLE, names_eve_day};
use chrono::Datelike;

static CAL: std::sync::LazyLock<crate::core::calendar::holidays::Calendar> =
    std::sync::LazyLock::new(|| {
        crate::core::calendar::holidays::Calendar::bundled().expect("bundled calendar parses")
    });

fn ctx(sent: &str) -> Ctx<'static> {
    Ctx {
        sent: NaiveDateTime::parse_from_str(sent, "%Y-%m-%dT%H:%M").expect("test time"),
        workday_end: NaiveTime::from_hms_opt(17, 30, 0).expect("time"),
        lang: Lang::Zh,
        day_first: false,
        cal: &CAL,
        utc_offset: None,
    }
}

fn en(sent: &str) -> Ctx<'static> {
    Ctx {
        lang: Lang::En,
        ..ctx(sent)
    }
}

fn dl(text: &str, c: &Ctx<'_>) -> Option<String> {
    find(text, c).deadline().map(|d| d.to_label())
}

// Tuesday 2024-05-07 08:30, as in FORMAT.md.
const T: &str = "2024-05-07T08:30";

#[test]
fn clock_times() {
    let c = ctx(T);
    assert_eq!(
        dl("请于今天17:00前报送", &c).as_deref(),
        Some("2024-05-07T17:00")
    );
    assert_eq!(dl("下午5点前上传", &c).as_deref(), Some("2024-05-07T17:00"));
    assert_eq!(dl("表格4点前给我", &c).as_deref(), Some("2024-05-07T16:00"));
    assert_eq!(
        dl("明天中午12点前报", &c).as_deref(),
        Some("2024-05-08T12:00")
    );
    assert_eq!(
        dl("明天五点半前交", &c).as_deref(),
        Some("2024-05-08T17:30")
    );
    assert_eq!(
        dl("今天５点一刻前交", &c).as_deref(),
        Some("2024-05-07T17:15")
    );
    assert_eq!(
        dl("１７：００前交", &c).as_deref(),
        Some("2024-05-07T17:00")
    );
}

#[test]
fn days_and_weekdays() {
    let c = ctx(T);
    assert_eq!(
        dl("后天下午把整改照片交来", &c).as_deref(),
        Some("2024-05-09")
    );
    assert_eq!(
        dl("周四下班前交考勤表", &c).as_deref(),
        Some("2024-05-09T17:30")
    );
    assert_eq!(dl("周二前报", &c).as_deref(), Some("2024-05-07"));
    assert_eq!(dl("下周二前报", &c).as_deref(), Some("2024-05-14"));
    assert_eq!(dl("本周内完成设备巡检", &c).as_deref(), Some("2024-05-10"));
    assert_eq!(dl("台账月底前交", &c).as_deref(), Some("2024-05-31"));
    assert_eq!(
        dl("请于3月6日前报送", &ctx("2024-03-04T09:00")).as_deref(),
        Some("2024-03-06")
    );
    assert_eq!(
        dl("请于十二月三日前报送", &ctx("2024-11-25T09:00")).as_deref(),
        Some("2024-12-03")
    );
}

#[test]
fn year_rolls_over_in_late_december() {
    let c = ctx("2023-12-27T10:00");
    assert_eq!(
        dl("请于1月8日前报镇农经站", &c).as_deref(),
        Some("2024-01-08")
    );
    assert_eq!(dl("元旦前报综合办", &c).as_deref(), Some("2023-12-31"));
}

#[test]
fn durations() {
    let c = ctx(T);
    assert_eq!(dl("48小时内回复", &c).as_deref(), Some("2024-05-09T08:30"));
    assert_eq!(
        dl("reply within 36 hours", &en(T)).as_deref(),
        Some("2024-05-08T20:30")
    );
}

#[test]
fn context_times_are_not_deadlines() {
    let c = ctx(T);
    assert_eq!(
        dl("6月份排班表（覆盖6月1日至30日）本周五前交", &c).as_deref(),
        Some("2024-05-10")
    );
    assert_eq!(dl("截至5月6日，已完成80%", &c), None);
    assert_eq!(dl("两天前发的通知大家看一下", &c), None);
    assert_eq!(dl("材料还差三份，请尽快", &c), None);
    assert_eq!(dl("今天的走访照片还没看到你的，抓紧传一下", &c), None);
}

#[test]
fn headline_and_relayed_times() {
    let c = ctx(T);
    assert_eq!(
        dl("周五15:00培训，14:40前到场", &c).as_deref(),
        Some("2024-05-10T14:40")
    );
    assert_eq!(
        dl("转：县里周五要，各村周三中午12点前报我", &c).as_deref(),
        Some("2024-05-08T12:00")
    );
    assert_eq!(
        dl("周四前检查完灭火器，检查记录周五上午10点前交", &c).as_deref(),
        Some("2024-05-10T10:00")
    );
    assert_eq!(
        dl("周四下午2点开会；另请今天下班前回复参会名单", &c).as_deref(),
        Some("2024-05-09T14:00")
    );
}

#[test]
fn noon_and_midnight() {
    let c = ctx(T);
    assert_eq!(dl("晚上12点前提交", &c).as_deref(), Some("2024-05-07"));
    assert_eq!(dl("5月8日24时前", &c).as_deref(), Some("2024-05-08"));
    assert_eq!(
        dl("by noon Wednesday", &en(T)).as_deref(),
        Some("2024-05-08T12:00")
    );
    assert_eq!(
        dl("due by midnight tomorrow", &en(T)).as_deref(),
        Some("2024-05-08")
    );
}

#[test]
fn english() {
    let c = en(T);
    assert_eq!(
        dl("drop the keys off Thursday morning", &c).as_deref(),
        Some("2024-05-09")
    );
    assert_eq!(
        dl("invoices in by end of day Thursday", &c).as_deref(),
        Some("2024-05-09T17:30")
    );
    assert_eq!(
        dl("send the totals over by 3", &c).as_deref(),
        Some("2024-05-07T15:00")
    );
    assert_eq!(dl("by Tuesday", &c).as_deref(), Some("2024-05-07"));
    assert_eq!(dl("next Tuesday", &c).as_deref(), Some("2024-05-14"));
    assert_eq!(
        dl("get the audit done this week", &c).as_deref(),
        Some("2024-05-10")
    );
    assert_eq!(dl("by month end", &c).as_deref(), Some("2024-05-31"));
    assert_eq!(
        dl("the June roster (1-30 June) is due 24 May", &c).as_deref(),
        Some("2024-05-24")
    );
    assert_eq!(
        dl("training 9am Thursday, arrive by 8:45", &c).as_deref(),
        Some("2024-05-09T08:45")
    );
    assert_eq!(
        dl("please send it by 5:30 p.m. on Oct 16", &c).as_deref(),
        Some("2024-10-16T17:30")
    );
    assert_eq!(dl("Friday week", &c).as_deref(), Some("2024-05-17"));
}

#[test]
fn day_first_numeric_dates_follow_the_zone() {
    let us = en(T);
    let gb = Ctx {
        day_first: true,
        ..en(T)
    };
    assert_eq!(dl("due 6/10", &us).as_deref(), Some("2024-06-10"));
    assert_eq!(dl("due 16/10", &gb).as_deref(), Some("2024-10-16"));
}

#[test]
fn pointer_to_earlier_time() {
    assert_eq!(find("报送时间与上条一致", &ctx(T)), Found::SameAsEarlier);
}

#[test]
fn holidays_and_working_days() {
    let c = ctx(T);
    assert_eq!(dl("端午节前报送", &c).as_deref(), Some("2024-06-09"));
    assert_eq!(
        dl("端午节后第一个工作日交", &c).as_deref(),
        Some("2024-06-11")
    );
    assert_eq!(
        dl("send it before Christmas", &en(T)).as_deref(),
        Some("2024-12-24")
    );
    // 2024-09-29 (Sunday) is a swapped working day before the National Day break.
    let fri = ctx("2024-09-27T10:00");
    assert_eq!(dl("请3个工作日内反馈", &fri).as_deref(), Some("2024-10-08"));
    assert_eq!(
        dl(
            "please reply within 2 business days",
            &Ctx {
                lang: Lang::En,
                ..fri
            }
        )
        .as_deref(),
        Some("2024-09-30")
    );
    assert_eq!(
        dl("元旦后第一个工作日给我", &ctx("2023-12-27T14:00")).as_deref(),
        Some("2024-01-02")
    );
}

#[test]
fn last_day_and_reschedules() {
    let c = ctx("2023-12-28T09:00");
    assert_eq!(
        dl("今天是党费收缴最后一天，还有2个支部没交，请抓紧。", &c).as_deref(),
        Some("2023-12-28")
    );
    let c = ctx("2024-06-19T17:05");
    assert_eq!(
        dl("演练改至6月21日（周五）上午9:00，请准时参加", &c).as_deref(),
        Some("2024-06-21T09:00")
    );
    assert_eq!(
        dl("演练改到周五上午9点，集合时间8点半不变。", &c).as_deref(),
        Some("2024-06-21T08:30")
    );
    assert_eq!(
        dl(
            "会议14:30准时开始，请参会人员提前10分钟到场签到。",
            &ctx("2024-03-07T14:00")
        )
        .as_deref(),
        Some("2024-03-07T14:20")
    );
}

// ---- Phrase families of issue 3, with their traps ----

#[test]
fn clock_time_forms() {
    let c = ctx(T);
    for (text, want) in [
        ("17:00前报送", "2024-05-07T17:00"),
        ("17时前报送", "2024-05-07T17:00"),
        ("下午5点前上传", "2024-05-07T17:00"),
        ("五点半前交", "2024-05-07T17:30"),
        ("5点一刻前交", "2024-05-07T17:15"),
        ("12:00前报", "2024-05-07T12:00"),
        ("晚上8点前发群里", "2024-05-07T20:00"),
        ("中午12点前报", "2024-05-07T12:00"),
        ("上午12点前报", "2024-05-07T12:00"),
        ("两点前交", "2024-05-07T14:00"),
        ("１７：００前交", "2024-05-07T17:00"),
    ] {
        assert_eq!(dl(text, &c).as_deref(), Some(want), "{text}");
    }
    let e = en(T);
    for (text, want) in [
        ("submit by 5pm", "2024-05-07T17:00"),
        ("send it by 5:30 p.m.", "2024-05-07T17:30"),
        ("upload by noon", "2024-05-07T12:00"),
        ("reply by 3 p . m .", "2024-05-07T15:00"),
    ] {
        assert_eq!(dl(text, &e).as_deref(), Some(want), "{text}");
    }
}

#[test]
fn noon_midnight_and_24_are_day_ends() {
    let c = ctx(T);
    // 24时 and 晚上12点 end the day: day precision, never 00:00 of the next.
    assert_eq!(dl("今天24时前报送", &c).as_deref(), Some("2024-05-07"));
    assert_eq!(dl("明天晚上12点前提交", &c).as_deref(), Some("2024-05-08"));
    assert_eq!(
        dl("submit by midnight", &en(T)).as_deref(),
        Some("2024-05-07")
    );
    // 零点 is the small hours, not noon.
    let ex = expressions("零点", &ctx("2017-03-22T00:00"));
    assert!(
        ex.iter()
            .any(|e| e.at.format("%H:%M").to_string() == "00:00")
    );
}

#[test]
fn day_forms() {
    let c = ctx(T); // Tuesday 2024-05-07
    for (text, want) in [
        ("今天下班前交", "2024-05-07T17:30"),
        ("今日内报送", "2024-05-07"),
        ("明天前报", "2024-05-08"),
        ("明早9点前交", "2024-05-08T09:00"),
        ("后天前交", "2024-05-09"),
        ("本周五前报送", "2024-05-10"),
        ("礼拜五前报送", "2024-05-10"),
        ("星期五前报送", "2024-05-10"),
        ("禮拜五前報送", "2024-05-10"),
        ("下周一前报送", "2024-05-13"),
        ("3月6日前报送", "2025-03-06"),
        ("5月9号前报送", "2024-05-09"),
        ("五月九日前报送", "2024-05-09"),
        ("5.9前报送", "2024-05-09"),
        ("2024年5月31日前报送", "2024-05-31"),
        ("2024-05-31前报送", "2024-05-31"),
        ("二〇二四年五月三十一日前报送", "2024-05-31"),
        ("本月底前报送", "2024-05-31"),
        ("年底前报送", "2024-12-31"),
        ("本周内报送", "2024-05-10"),
    ] {
        assert_eq!(dl(text, &c).as_deref(), Some(want), "{text}");
    }
    let e = en(T);
    for (text, want) in [
        ("send it Friday", "2024-05-10"),
        ("due next Monday", "2024-05-13"),
        ("reply tomorrow please", "2024-05-08"),
        ("due the 24th", "2024-05-24"),
        ("due Oct 16", "2024-10-16"),
        ("due Friday week", "2024-05-17"),
    ] {
        assert_eq!(dl(text, &e).as_deref(), Some(want), "{text}");
    }
}

#[test]
fn weekday_on_the_same_day_is_today() {
    // Said on a Tuesday morning, 周二 / "Tuesday" is today, 下周二 next week's.
    let c = ctx(T);
    assert_eq!(
        dl("周二下午3点前交", &c).as_deref(),
        Some("2024-05-07T15:00")
    );
    assert_eq!(dl("下周二前交", &c).as_deref(), Some("2024-05-14"));
    assert_eq!(
        dl("by Tuesday 3pm", &en(T)).as_deref(),
        Some("2024-05-07T15:00")
    );
}

#[test]
fn workday_words_use_the_configured_end_and_calendar() {
    let c = ctx(T);
    assert_eq!(dl("下班前报送", &c).as_deref(), Some("2024-05-07T17:30"));
    for text in ["send it EOD", "by COB please", "by close of business"] {
        assert_eq!(
            dl(text, &en(T)).as_deref(),
            Some("2024-05-07T17:30"),
            "{text}"
        );
    }
    // 2024-10-12 is a Saturday worked in exchange for the National Day
    // break: two working days from Thursday 10-10 end on it.
    let thu = ctx("2024-10-10T09:00");
    assert_eq!(dl("请2个工作日内反馈", &thu).as_deref(), Some("2024-10-12"));
    assert_eq!(
        dl(
            "reply within 2 business days",
            &Ctx {
                lang: Lang::En,
                ..thu
            }
        )
        .as_deref(),
        Some("2024-10-12")
    );
    // Before the break, 节后第一个工作日 is the first day back.
    assert_eq!(
        dl("国庆节后第一个工作日交", &ctx("2024-09-27T10:00")).as_deref(),
        Some("2024-10-08")
    );
}

#[test]
fn durations_from_the_send_time() {
    let c = ctx(T);
    assert_eq!(dl("24小时内回复", &c).as_deref(), Some("2024-05-08T08:30"));
    assert_eq!(dl("1小时内上报", &c).as_deref(), Some("2024-05-07T09:30"));
    assert_eq!(
        dl("reply within 48 hours", &en(T)).as_deref(),
        Some("2024-05-09T08:30")
    );
}

#[test]
fn year_rollover_in_late_december() {
    let c = ctx("2024-12-28T10:00");
    assert_eq!(dl("1月3日前报送", &c).as_deref(), Some("2025-01-03"));
    assert_eq!(dl("十二月三十日前报送", &c).as_deref(), Some("2024-12-30"));
    assert_eq!(dl("下周一前报送", &c).as_deref(), Some("2024-12-30"));
    assert_eq!(
        dl("due Jan 6", &en("2024-12-28T10:00")).as_deref(),
        Some("2025-01-06")
    );
}

#[test]
fn context_times_are_never_deadlines() {
    let c = ctx(T);
    // As of.
    assert_eq!(dl("截至3月15日，已完成80%", &c), None);
    // Ago.
    assert_eq!(dl("两天前发的通知请查看", &c), None);
    assert_eq!(dl("10分钟之前已经发群里了", &c), None);
    assert_eq!(dl("the form went out 2 days ago", &en(T)), None);
    // A past event: yesterday's meeting.
    assert_eq!(dl("昨天下午3点的会议纪要已上传", &c), None);
    // As soon as possible is no time.
    assert_eq!(dl("请尽快报送", &c), None);
    // A named day alone is no deadline (but "before" it is).
    assert_eq!(dl("国庆节快乐", &c), None);
    assert_eq!(dl("国庆节前报送", &c).as_deref(), Some("2024-09-30"));
}

#[test]
fn the_hand_in_time_wins_over_the_meeting_time() {
    let c = ctx(T);
    assert_eq!(
        dl("周五下午3点开会，材料周四中午12点前报送", &c).as_deref(),
        Some("2024-05-09T12:00")
    );
    assert_eq!(
        dl("周四下午2点开会", &c).as_deref(),
        Some("2024-05-09T14:00")
    );
}

#[test]
fn lunar_days_and_holidays_outside_the_calendar() {
    // 春节 2030 is 2030-02-03; 中秋 2021 is 2021-09-21.
    assert_eq!(
        lunar_to_solar(2030, 1, 1).map(|d| d.to_string()).as_deref(),
        Some("2030-02-03")
    );
    assert_eq!(
        lunar_to_solar(2021, 8, 15)
            .map(|d| d.to_string())
            .as_deref(),
        Some("2021-09-21")
    );
    let e = expressions("除夕晚上6点半", &ctx("2021-06-14T01:06"));
    assert!(
        e.iter().any(|x| x.at.to_string() == "2022-01-31 18:30:00"),
        "{e:?}"
    );
    let e = expressions("腊月初十", &ctx("2022-01-01T00:00"));
    assert!(
        e.iter().any(|x| x.at.date().to_string() == "2022-01-12"),
        "{e:?}"
    );
    // 端午节前 in a year the calendar file does not cover.
    assert_eq!(
        dl("端午节前报送", &ctx("2028-05-01T09:00")).as_deref(),
        Some("2028-05-27")
    );
    let e = expressions("easter monday", &en("2013-02-12T04:30"));
    assert!(
        e.iter().any(|x| x.at.date().to_string() == "2013-04-01"),
        "{e:?}"
    );
}

fn days_of(text: &str, c: &Ctx<'_>) -> Vec<String> {
    expressions(text, c)
        .iter()
        .map(|x| x.at.format("%Y-%m-%dT%H:%M").to_string())
        .collect()
}

#[test]
fn other_readings_of_a_date_carry_its_clock_time() {
    // Said in November: last October's 30th and next year's, at 16:00.
    let e = en("2023-11-20T09:00");
    let d = days_of("the review was October 30 4pm", &e);
    assert!(d.contains(&"2023-10-30T16:00".into()), "{d:?}");
    assert!(d.contains(&"2024-10-30T16:00".into()), "{d:?}");
    // 29 February rolls to the next leap year.
    let d = days_of("feb 29th", &en("2024-03-10T09:00"));
    assert!(d.contains(&"2028-02-29T00:00".into()), "{d:?}");
}

#[test]
fn weekday_with_day_of_month_and_nth_weekday_alone() {
    // Monday 27 Nov 2023: the 14th was a Tuesday this month; the next
    // Tuesday the 14th is in May.
    let e = en("2023-11-27T09:00");
    let d = days_of("Tuesday the 14th", &e);
    assert!(d.contains(&"2024-05-14T00:00".into()), "{d:?}");
    assert!(d.contains(&"2023-11-14T00:00".into()), "{d:?}");
    // "second Sunday" alone: this month's is past, so December's.
    assert_eq!(
        dl("submit the form by the second Sunday", &e).as_deref(),
        Some("2023-12-10")
    );
    assert!(days_of("second Sunday", &e).contains(&"2023-11-12T00:00".into()));
    // "last Friday" stays last week's Friday, not a month's last.
    assert_eq!(days_of("last friday", &e), ["2023-11-24T00:00"; 2]);
    let d = days_of("the third Wednesday of previous month", &e);
    assert!(d.contains(&"2023-10-18T00:00".into()), "{d:?}");
}

#[test]
fn compound_offsets() {
    let e = en("2017-11-23T19:00");
    let d = days_of("it broke 3 weeks and 4 days ago", &e);
    assert!(d.contains(&"2017-10-29T00:00".into()), "{d:?}");
    let d = days_of("we'll know 1 year, 2 months later", &e);
    assert!(d.contains(&"2019-01-23T00:00".into()), "{d:?}");
    let d = days_of("done 1 day 3 hours from now", &e);
    assert!(d.contains(&"2017-11-24T22:00".into()), "{d:?}");
    // Offsets stay context, never deadlines.
    assert_eq!(dl("sent 2 days 3 hours ago", &e), None);
    // 两个半月: two months and a half (15 days).
    let c = ctx("2021-06-14T01:00");
    let d = days_of("两个半月以内", &c);
    assert!(d.contains(&"2021-08-29T00:00".into()), "{d:?}");
}

#[test]
fn mid_parts_of_day_and_run_on_date_times() {
    let e = en(T);
    assert!(days_of("call me mid morning", &e).contains(&"2024-05-07T10:00".into()));
    assert!(days_of("by mid-afternoon", &e).contains(&"2024-05-07T14:00".into()));
    assert_eq!(
        dl("send it by midday", &e).as_deref(),
        Some("2024-05-07T12:00")
    );
    assert_eq!(
        dl("send it by mid-night", &e).as_deref(),
        Some("2024-05-07")
    );
    // A date and a time run together.
    let c = ctx(T);
    let d = days_of("2024-05-0910:30", &c);
    assert!(d.contains(&"2024-05-09T10:30".into()), "{d:?}");
    assert!(days_of("2024-05-09 10:30", &c).contains(&"2024-05-09T10:30".into()));
    // Digits run on without a clock are no date.
    assert!(days_of("2024-05-091030", &c).is_empty());
}

#[test]
fn more_named_days() {
    let e = en("2023-11-01T09:00");
    assert!(days_of("cyber monday", &e).contains(&"2023-11-27T00:00".into()));
    assert!(days_of("back on yuandan", &e).contains(&"2024-01-01T00:00".into()));
}

#[test]
fn table_days_of_other_calendars() {
    let e = en("2013-02-12T04:30");
    // Umm al-Qura, Hebrew, Hindu and Buddhist days from config/named_days.toml.
    assert!(days_of("Eid al-Fitr 2018", &e).contains(&"2018-06-15T00:00".into()));
    assert!(days_of("eid al-adha 1980", &e).contains(&"1980-10-19T00:00".into()));
    assert!(days_of("yom kippur 2018", &e).contains(&"2018-09-19T00:00".into()));
    assert!(days_of("diwali in 2019", &e).contains(&"2019-10-27T00:00".into()));
    // Without a year: the next occurrence.
    assert!(days_of("we meet on vesak", &e).contains(&"2013-05-24T00:00".into()));
    assert!(days_of("开斋节", &ctx("2013-02-12T04:30")).contains(&"2013-08-08T00:00".into()));
    // Traditional characters fold onto the simplified alias.
    assert!(days_of("開齋節", &ctx("2013-02-12T04:30")).contains(&"2013-08-08T00:00".into()));
    assert!(names_eve_day("yom kippur 2018"));
    assert!(!names_eve_day("eid al-fitr"));
    // Every table day has dates, sorted.
    assert!(TABLE.len() > 50);
    assert!(
        TABLE
            .iter()
            .all(|d| !d.dates.is_empty() && d.dates.is_sorted())
    );
}

#[test]
fn observed_days_and_shifted_named_days() {
    let e = en("2013-02-12T04:30");
    // King's Day: 27 April, Saturday the 26th when the 27th is a Sunday.
    assert!(days_of("King's Day 2014", &e).contains(&"2014-04-26T00:00".into()));
    assert!(days_of("koningsdag 2018", &e).contains(&"2018-04-27T00:00".into()));
    // Boss's day 16 October moved off the weekend.
    assert!(days_of("boss's day 2016", &e).contains(&"2016-10-17T00:00".into()));
    assert!(days_of("boss's day 2021", &e).contains(&"2021-10-15T00:00".into()));
    // A named day with an offset: the next one from the shifted day.
    assert!(days_of("thanksgiving in 3 years", &e).contains(&"2016-11-24T00:00".into()));
    assert!(days_of("thanksgiving 1 year ago", &e).contains(&"2012-11-22T00:00".into()));
}

#[test]
fn clock_times_in_other_zones() {
    let frame = Ctx {
        utc_offset: Some(-120),
        ..en("2013-02-12T04:30")
    };
    assert!(days_of("4pm CET", &frame).contains(&"2013-02-12T13:00".into()));
    assert!(days_of("Thursday 9 am (BST)", &frame).contains(&"2013-02-14T06:00".into()));
    assert!(days_of("Thursday 8:00 PST", &frame).contains(&"2013-02-14T14:00".into()));
    assert!(days_of("Thursday 10:00 utc+8", &frame).contains(&"2013-02-14T00:00".into()));
    // Not a zone: a longer word.
    assert!(days_of("4pm central", &frame).contains(&"2013-02-12T16:00".into()));
    // No frame: zone names are ignored.
    assert!(days_of("4pm CET", &en("2013-02-12T04:30")).contains(&"2013-02-12T16:00".into()));
    // 北京时间 into a UTC frame.
    let utc = Ctx {
        utc_offset: Some(0),
        ..ctx("2024-05-07T01:00")
    };
    assert_eq!(
        dl("北京时间下午3点前提交", &utc).as_deref(),
        Some("2024-05-07T07:00")
    );
}

#[test]
fn spelled_out_years() {
    let e = en("2016-11-07T00:00");
    assert!(days_of("Easter Sunday two thousand ten", &e).contains(&"2010-04-04T00:00".into()));
    assert!(
        days_of("born on 25 January nineteen eighty six", &e).contains(&"1986-01-25T00:00".into())
    );
    assert!(
        days_of("on fifteen August nineteen hundred ninety three", &e)
            .contains(&"1993-08-15T00:00".into())
    );
    // Clock times stay clock times.
    assert!(days_of("at one thirty pm", &e).contains(&"2016-11-07T13:30".into()));
}

#[test]
fn english_number_words() {
    let e = en("2016-11-07T00:00");
    let at = |text: &str| -> Vec<String> {
        expressions(text, &e)
            .iter()
            .map(|x| x.at.format("%Y-%m-%dT%H:%M").to_string())
            .collect()
    };
    assert!(at("I'll be back at one thirty p m").contains(&"2016-11-07T13:30".to_string()));
    assert!(at("see you May twenty nine").contains(&"2017-05-29T00:00".to_string()));
    assert!(at("twelve-oh-three").contains(&"2016-11-07T12:03".to_string()));
    // A count stays a count: no bare hour from "one of you".
    assert_eq!(dl("please send by one of you", &e), None);
}

#[test]
fn ago_and_later_offsets_resolve_as_context() {
    let c = ctx("2018-08-30T14:16");
    let e = expressions("他10分钟之前刚走", &c);
    assert!(
        e.iter()
            .any(|x| x.at.to_string() == "2018-08-30 14:06:00" && x.score < 0)
    );
    let e = expressions("5年前，这里的情况要糟糕的多", &c);
    assert!(e.iter().any(|x| x.at.date().to_string() == "2013-08-30"));
    // 2015年前 is "before 2015", not an offset of 2015 years.
    let e = expressions("2015年前，这里的情况要糟糕的多", &c);
    assert!(e.iter().all(|x| x.at.date().year() >= 2015), "{e:?}");
}

fn arb_text() -> impl proptest::strategy::Strategy<Value = String> {
    use proptest::prelude::*;
    let piece = prop_oneof![
        any::<char>().prop_map(|c| c.to_string()),
        proptest::sample::select(vec![
            "月",
            "日",
            "号",
            "点",
            "时",
            "半",
            "前",
            "周",
            "下",
            "明天",
            "农历",
            "初",
            "廿",
            ":",
            "/",
            ".",
            "-",
            "1",
            "12",
            "2024",
            "pm",
            "by ",
            "next ",
            "monday",
            "may ",
            "twenty",
            "first",
            "节",
            "十",
            "〇",
            "１",
            "：",
            "年",
            "小时内",
            "ago",
            "之前",
        ])
        .prop_map(str::to_string),
    ];
    proptest::collection::vec(piece, 0..4000).prop_map(|v| {
        let mut s: String = v.concat();
        while s.len() > 64 * 1024 {
            s.pop();
        }
        s
    })
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(48))]
    #[test]
    fn arbitrary_unicode_never_panics(text in arb_text()) {
        for c in [ctx(T), en(T), ctx("2023-12-31T23:59")] {
            let _ = find(&text, &c);
            let _ = expressions(&text, &c);
        }
    }

    #[test]
    fn any_chars_never_panic(chars in proptest::collection::vec(proptest::prelude::any::<char>(), 0..16384)) {
        let text: String = chars.into_iter().collect();
        let _ = find(&text, &ctx(T));
        let _ = find(&text, &en(T));
    }
}

#[test]
fn patterns_read_digits_words_and_boundaries_as_ascii() {
    assert_eq!(
        super::ascii_classes(r"\d+[\d.]\b\w\W\\d\s"),
        r"[0-9]+[0-9.](?-u:\b)[0-9A-Za-z_][^0-9A-Za-z_]\\d\s"
    );
    let word = regex::Regex::new(&super::ascii_classes(r"\bfriday\b")).expect("valid");
    // An English word right beside a CJK character is a word of its own.
    assert!(word.is_match("周五前friday交"));
    let digits = regex::Regex::new(&super::ascii_classes(r"^\d+$")).expect("valid");
    assert!(digits.is_match("2024") && !digits.is_match("٣"));
}
