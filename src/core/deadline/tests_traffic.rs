//! Deadlines on traffic of other regions and scripts: 24-hour clock times,
//! ROC years, day/month order, bracketed dates, holidays inside a work's name.

use super::*;

static CAL: std::sync::LazyLock<crate::core::calendar::holidays::Calendar> =
    std::sync::LazyLock::new(|| {
        crate::core::calendar::holidays::Calendar::bundled().expect("bundled calendar parses")
    });

fn en(sent: &str) -> Ctx<'static> {
    Ctx {
        sent: NaiveDateTime::parse_from_str(sent, "%Y-%m-%dT%H:%M").expect("test time"),
        workday_end: NaiveTime::from_hms_opt(17, 0, 0).expect("time"),
        lang: Lang::En,
        day_first: false,
        cal: &CAL,
        utc_offset: None,
    }
}

fn dl(text: &str, c: &Ctx<'_>) -> Option<String> {
    find(text, c).deadline().map(|d| d.to_label())
}

#[test]
fn twenty_four_hour_times_in_a_time_context() {
    let c = en("2024-06-03T09:20");
    assert_eq!(
        dl("whoever is on today, please send it by 1000", &c).as_deref(),
        Some("2024-06-03T10:00")
    );
    assert_eq!(
        dl("forms due to me by 1500 today. thanks", &c).as_deref(),
        Some("2024-06-03T15:00")
    );
    assert_eq!(
        dl("Pharmacy stock count Thursday 1030, leads please", &c).as_deref(),
        Some("2024-06-06T10:30")
    );
    assert_eq!(
        dl("Key log in by Sunday 2359 please", &c).as_deref(),
        Some("2024-06-09T23:59")
    );
    assert_eq!(
        dl("Dock crew report 1400 hrs tomorrow", &c).as_deref(),
        Some("2024-06-04T14:00")
    );
}

#[test]
fn an_arrival_time_replaces_the_start() {
    let c = en("2024-06-03T09:20");
    assert_eq!(
        dl(
            "Team briefing tomorrow 0800 in hall C. Supervisors please attend - arrive by 0745, thanks",
            &c
        )
        .as_deref(),
        Some("2024-06-04T07:45")
    );
    assert_eq!(
        dl("drill moved to 1330. be there 1320.", &c).as_deref(),
        Some("2024-06-03T13:20")
    );
    assert_eq!(
        dl(
            "@ana handover now 1545, meet 1530 at the nurses' station",
            &c
        )
        .as_deref(),
        Some("2024-06-03T15:30")
    );
}

#[test]
fn a_zero_led_time_is_on_the_24_hour_clock() {
    let c = en("2024-06-03T13:05");
    assert_eq!(
        dl(
            "Generator test tomorrow (Tues) 06:15, night crew please stay on",
            &c
        )
        .as_deref(),
        Some("2024-06-04T06:15")
    );
    // Without the zero a bare hour on a later day is read in working hours.
    assert_eq!(
        dl("Please send the stock sheet by Friday 4:30", &c).as_deref(),
        Some("2024-06-07T16:30")
    );
}

#[test]
fn a_window_left_open_is_due_at_its_end() {
    let c = en("2024-06-03T09:20");
    let zh = Ctx {
        lang: Lang::Zh,
        ..en("2024-06-03T09:20")
    };
    assert_eq!(
        dl("报名通道开放至6月14日，请各村动员报名", &zh).as_deref(),
        Some("2024-06-14")
    );
    assert_eq!(
        dl("征求意见期间至6月20日止，请转发各组", &zh).as_deref(),
        Some("2024-06-20")
    );
    assert_eq!(
        dl(
            "The booking form is open until Friday 5pm, please sign up",
            &c
        )
        .as_deref(),
        Some("2024-06-07T17:00")
    );
    // A period from one day to another is not a window's end by itself.
    assert_eq!(dl("活动时间6月10日至6月12日，欢迎参加", &zh), None);
}

#[test]
fn four_digits_that_are_no_time_of_day() {
    let c = en("2024-06-03T09:20");
    // A year after "in", a count, an amount, a room, an incident code.
    assert_eq!(dl("please send the plan, we moved here in 1998", &c), None);
    assert_eq!(dl("please order 1200 gloves", &c), None);
    assert_eq!(dl("please refund the $1500 deposit", &c), None);
    assert_eq!(dl("please take the files to room 1420", &c), None);
    assert_eq!(dl("please close ticket 24-0519-07", &c), None);
    // "by 2030" with no talk of days or shifts is a year.
    assert_eq!(dl("we must cut emissions by 2030 please", &c), None);
}

#[test]
fn a_part_of_day_already_over_is_no_deadline() {
    let noon = en("2025-09-10T12:30");
    assert_eq!(
        dl(
            "Thanks for this morning, everyone. Please send me the minutes when you can.",
            &noon
        ),
        None
    );
    // Said before it, it still times the ask.
    let early = en("2025-09-10T08:10");
    assert_eq!(
        dl("Please send me the minutes this morning", &early).as_deref(),
        Some("2025-09-10")
    );
}

#[test]
fn two_part_dates_read_in_the_organisations_order() {
    let zh = Ctx {
        lang: Lang::Zh,
        ..en("2024-05-23T08:20")
    };
    assert_eq!(
        dl("请各站在6/3(一)前把统计表给我", &zh).as_deref(),
        Some("2024-06-03")
    );
    let uk = Ctx {
        day_first: true,
        ..en("2024-05-20T09:00")
    };
    assert_eq!(
        dl("Returns to me by 04/06 please", &uk).as_deref(),
        Some("2024-06-04")
    );
    assert_eq!(
        dl("Returns to me by 6/4 please", &en("2024-05-20T09:00")).as_deref(),
        Some("2024-06-04")
    );
}

#[test]
fn roc_years_are_1911_on() {
    let zh = Ctx {
        lang: Lang::Zh,
        ..en("2024-05-20T09:00")
    };
    assert_eq!(
        dl("请各里于113年6月7日前回报名册", &zh).as_deref(),
        Some("2024-06-07")
    );
    // Traditional script, folded first.
    assert_eq!(
        dl("請於民國113年6月7日前函送本局", &zh).as_deref(),
        Some("2024-06-07")
    );
    // A birth date in the ROC era is no deadline of 2033.
    assert_eq!(
        dl("發給民國33年6月10日以前出生的長者,請於5/24前回報", &zh).as_deref(),
        Some("2024-05-24")
    );
}

#[test]
fn close_of_play_is_the_workday_end() {
    let c = en("2024-05-20T09:00");
    assert_eq!(
        dl("Rota changes to me by end of play Weds please", &c).as_deref(),
        Some("2024-05-22T17:00")
    );
    assert_eq!(
        dl("Can you send the figures by COP Thurs?", &c).as_deref(),
        Some("2024-05-23T17:00")
    );
    assert_eq!(
        dl("Invoices in by close of play today", &c).as_deref(),
        Some("2024-05-20T17:00")
    );
}

#[test]
fn a_holiday_inside_the_name_of_the_work_is_not_the_deadline() {
    let zh = Ctx {
        lang: Lang::Zh,
        ..en("2024-03-06T09:00")
    };
    assert_eq!(
        dl("国庆前消防检查记录表后天交", &zh).as_deref(),
        Some("2024-03-08")
    );
    assert_eq!(
        dl("春节前安全大检查台账周五前报", &zh).as_deref(),
        Some("2024-03-08")
    );
    // Before a hand-in verb the holiday is the deadline.
    assert_eq!(
        dl("请于清明节前报送消防检查记录表", &zh).as_deref(),
        Some("2024-04-03")
    );
}

#[test]
fn a_bracketed_date_after_a_relative_phrase_governs() {
    let zh = Ctx {
        lang: Lang::Zh,
        ..en("2024-03-06T09:00")
    };
    assert_eq!(
        dl("记录表后天（3月8日）前交", &zh).as_deref(),
        Some("2024-03-08")
    );
    let uk = Ctx {
        day_first: true,
        ..en("2024-06-20T09:00")
    };
    assert_eq!(
        dl("Reading logs in by end of term (12 July) please", &uk).as_deref(),
        Some("2024-07-12")
    );
}

/// British traffic: day/month order.
fn en_gb(sent: &str) -> Ctx<'static> {
    Ctx {
        day_first: true,
        ..en(sent)
    }
}

fn zh(sent: &str) -> Ctx<'static> {
    Ctx {
        lang: Lang::Zh,
        workday_end: NaiveTime::from_hms_opt(17, 30, 0).expect("time"),
        ..en(sent)
    }
}

#[test]
fn the_readers_arrival_outranks_the_events_start() {
    // A deadline mark between the time and the arrival (前到场, 前到机房).
    let c = zh("2024-06-03T09:20");
    assert_eq!(
        dl(
            "定于周五下午3:00在区文化馆召开消防培训会，请各社区主任参加，2:45前到场签到。参会名单今天下班前报我。",
            &c
        )
        .as_deref(),
        Some("2024-06-07T14:45")
    );
    let early = zh("2024-06-03T07:50");
    assert_eq!(
        dl("系统9点前要登录，@小李 8点45前到机房把系统打开。", &early).as_deref(),
        Some("2024-06-03T08:45")
    );
    // The visitors' arrival (3点到镇里) is not what the readers must do.
    let late = zh("2024-06-03T17:10");
    assert_eq!(
        dl(
            "督查组改为明天下午3:00到镇里。镇领导、各办主任下午2:45前到二楼会议室迎检。",
            &late
        )
        .as_deref(),
        Some("2024-06-04T14:45")
    );
    let e = en("2024-06-03T09:20");
    assert_eq!(
        dl(
            "Fire drill Friday 11am. Wardens please be at your assembly point by 10:50.",
            &e
        )
        .as_deref(),
        Some("2024-06-07T10:50")
    );
    assert_eq!(
        dl(
            "Ward audit tomorrow at 1000. Link nurses: meet at the sluice room at 0940, not the bay.",
            &e
        )
        .as_deref(),
        Some("2024-06-04T09:40")
    );
}

#[test]
fn a_dash_before_words_is_an_aside_not_a_range() {
    let c = en("2024-06-03T09:20");
    assert_eq!(
        dl(
            "Link nurses on both wards: please be on your ward by 0945 – auditors like to talk to you.",
            &c
        )
        .as_deref(),
        Some("2024-06-03T09:45")
    );
    // A range stays a range: its start is context.
    assert_eq!(
        dl("Cover needed 0900 – 1300 tomorrow, reply by 1500 today", &c).as_deref(),
        Some("2024-06-03T15:00")
    );
}

#[test]
fn a_day_set_aside_is_not_inherited() {
    let c = en("2024-06-03T09:20");
    assert_eq!(
        dl(
            "Dave – site visit is now Thu 3pm (not Wed 11am), Depot Road. Can you be there for 14:45 with the logbook?",
            &c
        )
        .as_deref(),
        Some("2024-06-06T14:45")
    );
}

#[test]
fn that_day_is_the_day_named_before() {
    let c = zh("2024-06-03T11:00");
    assert_eq!(
        dl(
            "本周四（6号）在村委会开展义诊，医疗车早上8点到村委会。@小王 当天7点半前到村委会，负责登记。",
            &c
        )
        .as_deref(),
        Some("2024-06-06T07:30")
    );
    // With no day named before, 当天 is the send day.
    assert_eq!(
        dl("当天的照片下午5点前发群里", &c).as_deref(),
        Some("2024-06-03T17:00")
    );
}

#[test]
fn a_spaced_dash_after_words_does_not_start_a_range() {
    let c = en("2024-05-20T12:30");
    assert_eq!(
        dl(
            "Zones 1 and 3 logged. Still need 2 and 4 for today – 3pm.",
            &c
        )
        .as_deref(),
        Some("2024-05-20T15:00")
    );
    assert_eq!(
        dl("Still missing zone 2 and zone 5 – 3pm cut-off @dave", &c).as_deref(),
        Some("2024-05-20T15:00")
    );
    assert_eq!(
        dl(
            "Timesheets: 2 of yours are still open – month end is the hard stop.",
            &c
        )
        .as_deref(),
        Some("2024-05-31")
    );
    // Tight or between times, a dash is still a range.
    assert_eq!(
        dl("Desk cover 1-3pm, please sign the rota by 5pm", &c).as_deref(),
        Some("2024-05-20T17:00")
    );
}

#[test]
fn also_opening_a_message_is_its_own_time() {
    let c = en("2024-05-20T11:10");
    assert_eq!(
        dl(
            "Sam, also Weds 3pm – site meeting with the surveyor. Can you come?",
            &c
        )
        .as_deref(),
        Some("2024-05-22T15:00")
    );
    // After the headline ask's time, "also…" stays secondary.
    assert_eq!(
        dl(
            "Rota to me by 4pm today please; also Weds 3pm site meeting if you can",
            &c
        )
        .as_deref(),
        Some("2024-05-20T16:00")
    );
}

#[test]
fn time_left_and_half_an_hour() {
    let c = zh("2024-11-14T11:30");
    assert_eq!(
        dl("东山村还没报表，还有40分钟。", &c).as_deref(),
        Some("2024-11-14T12:10")
    );
    assert_eq!(
        dl("急件！各位网格员半小时内把清理情况回给我", &c).as_deref(),
        Some("2024-11-14T12:00")
    );
    // Half a day is too vague to be a deadline.
    assert_eq!(dl("半天内能弄完吗", &c), None);
}

#[test]
fn a_past_day_names_the_work_not_the_time() {
    let c = zh("2024-05-24T09:00");
    assert_eq!(
        dl(
            "@小周 昨天的周报好像把数字填错栏了，麻烦中午12点前改好重发",
            &c
        )
        .as_deref(),
        Some("2024-05-24T12:00")
    );
}

#[test]
fn twelve_noon_is_one_time() {
    let c = Ctx {
        day_first: true,
        ..en("2024-05-20T14:20")
    };
    assert_eq!(
        dl(
            "Planning Board – Tues 04/06/24, 7pm. Final report to the clerk by 12 noon Weds 22/05.",
            &c
        )
        .as_deref(),
        Some("2024-05-22T12:00")
    );
}

#[test]
fn a_listed_run_of_days_starts_on_its_first() {
    let c = zh("2024-11-15T16:30");
    assert_eq!(
        dl("周末防汛日报不停，周六、周日照常上午9点前报。", &c).as_deref(),
        Some("2024-11-16T09:00")
    );
}

#[test]
fn the_readers_action_day_over_the_events() {
    let c = zh("2024-11-16T09:00");
    assert_eq!(
        dl(
            "下周三市里检查组可能来抽查，各网格员周一把辖区独居老人名单再核一遍。",
            &c
        )
        .as_deref(),
        Some("2024-11-18")
    );
    let c = zh("2024-05-20T11:00");
    assert_eq!(
        dl(
            "防汛物资清点结果，县里周五下午要、镇里周四中午就要，各村最晚周三要收齐。",
            &c
        )
        .as_deref(),
        Some("2024-05-22")
    );
}

#[test]
fn a_sign_in_time_is_on_the_events_day() {
    let c = zh("2024-06-11T09:30");
    assert_eq!(
        dl(
            "【通知】安全例会定于6月14日（周五）下午3:00在二楼会议室召开：\n1.通报检查情况；\n2.部署下周工作。\n请各班组长2:50前签到。",
            &c
        )
        .as_deref(),
        Some("2024-06-14T14:50")
    );
}

#[test]
fn daily_work_starting_later_is_first_due_that_day() {
    let c = zh("2024-06-07T16:30");
    assert_eq!(
        dl(
            "假期每天晚上9点前在群里报本组人员平安情况，从明天开始。",
            &c
        )
        .as_deref(),
        Some("2024-06-08T21:00")
    );
    // Started already: today's instance.
    let c = zh("2024-06-03T07:40");
    assert_eq!(
        dl("从今天起每天上午9点前在本群报晨检情况。", &c).as_deref(),
        Some("2024-06-03T09:00")
    );
}

#[test]
fn an_english_full_stop_ends_the_sentence_a_day_was_named_in() {
    let c = en("2024-05-20T13:05");
    assert_eq!(
        dl(
            "Need 2 volunteers for the fire warden walkround on Wed. Easy – just show them your exits. Reply here by 3 if you can help.",
            &c
        )
        .as_deref(),
        Some("2024-05-20T15:00")
    );
}

#[test]
fn a_bracketed_calendar_date_says_which_day_is_meant() {
    // Said on the holiday's last working day: "the first working day after
    // the holiday" read alone would be after the next one.
    let c = zh("2024-06-11T07:50");
    assert_eq!(
        dl(
            "【通知】节后第一个工作日（6月11日）上午8:30在三楼会议室开推进会，请各车间负责人参加。",
            &c
        )
        .as_deref(),
        Some("2024-06-11T08:30")
    );
}

#[test]
fn a_side_ask_later_in_the_message_does_not_replace_the_headline() {
    let c = zh("2024-05-20T08:30");
    assert_eq!(
        dl(
            "各位主管早安\n本周例会定于周三(5/22)上午9点,3楼会议室,请各科准备工作简报(3分钟内)。\n另外,上周进度表还没交的科室,请今天下班前传给我。",
            &c
        )
        .as_deref(),
        Some("2024-05-22T09:00")
    );
    let e = en("2024-05-21T07:20");
    assert_eq!(
        dl(
            "Safety huddle for ALL ward staff today 1400 in the day room – 15 min: falls, alarms. Charge nurse please send 2 HCAs. Also reply with a headcount by noon so I can book the room.",
            &e
        )
        .as_deref(),
        Some("2024-05-21T14:00")
    );
}

#[test]
fn a_length_in_minutes_is_not_a_deadline() {
    let c = zh("2024-05-20T08:30");
    assert_eq!(dl("每人发言控制在5分钟以内。", &c), None);
    assert_eq!(dl("请准备工作简报（3分钟内）。", &c), None);
    // A real time limit still is.
    assert_eq!(
        dl("请各位30分钟内回复收到。", &c).as_deref(),
        Some("2024-05-20T09:00")
    );
}

#[test]
fn a_numbered_thing_is_not_a_day_of_the_month() {
    let c = zh("2024-06-12T16:45");
    assert_eq!(
        dl(
            "明天下午3点全厂消防演练，听到警报到2号门北侧空地集合，班组长2点45到车间门口清点人数。",
            &c
        )
        .as_deref(),
        Some("2024-06-13T14:45")
    );
    // A day of the month still is.
    assert_eq!(
        dl("材料20号前交到3号楼办公室", &c).as_deref(),
        Some("2024-06-20")
    );
}

#[test]
fn a_date_restating_a_reckoning_is_the_deadline() {
    let c = Ctx {
        day_first: true,
        ..en("2024-05-20T08:45")
    };
    // Ten working days counted by the sender past a bank holiday we may not
    // know: their date stands.
    assert_eq!(
        dl(
            "Full response due within 10 working days, i.e. Tues 04/06/24 (bank holiday excluded).",
            &c
        )
        .as_deref(),
        Some("2024-06-04")
    );
    let z = zh("2024-05-20T08:45");
    assert_eq!(
        dl("请3个工作日内，即5月24日前报送。", &z).as_deref(),
        Some("2024-05-24")
    );
}

#[test]
fn a_weekday_and_an_ordinal_ending_a_sentence_is_that_day() {
    let c = en("2024-05-22T16:45");
    assert_eq!(
        dl(
            "Great, thanks Sam. @jo the costs table is the last bit – same deadline, Weds 29th.",
            &c
        )
        .as_deref(),
        Some("2024-05-29")
    );
    // "Weds 10.30" is not the 10th: it stays on Wednesday.
    let monday = en("2024-05-20T09:00");
    let got = dl("Site meeting Weds 10.30, please be there", &monday);
    assert!(
        got.as_deref().is_some_and(|d| d.starts_with("2024-05-22")),
        "{got:?}"
    );
}

#[test]
fn the_last_day_of_a_run_is_not_the_day_of_its_times() {
    let c = en("2024-05-24T07:05");
    assert_eq!(
        dl(
            "Bank holiday reminder: bed state reports continue every shift through Mon 5/27, holiday included, same times (0800 / 2000).",
            &c
        )
        .as_deref(),
        Some("2024-05-24T08:00")
    );
}

#[test]
fn today_is_my_deadline_is_not_todays_work() {
    let c = en("2024-05-24T09:00");
    assert_eq!(
        dl(
            "Sam, FOI-0412 figures – today's my deadline, where are we? Jo's brought hers forward to Tuesday.",
            &c
        )
        .as_deref(),
        Some("2024-05-24")
    );
    // A possessive still names the work: today's report is due Friday.
    assert_eq!(
        dl("today's report by Tuesday please", &c).as_deref(),
        Some("2024-05-28")
    );
}

#[test]
fn a_time_before_a_handing_over_is_the_readers_own() {
    let c = zh("2024-06-03T07:50");
    assert_eq!(
        dl(
            "各位组长：以后每天早上8点半前把本组巡查情况（人数、点位、问题）发我，晚查下午5点前发我。",
            &c
        )
        .as_deref(),
        Some("2024-06-03T08:30")
    );
    // Over an upstream window counted from now.
    let c = zh("2024-06-13T09:50");
    assert_eq!(
        dl(
            "各村：县里要求2小时内反馈排查情况，请10点半前把本村排查情况报我。",
            &c
        )
        .as_deref(),
        Some("2024-06-13T10:30")
    );
}

#[test]
fn a_window_counted_from_an_event_is_not_from_the_message() {
    let c = zh("2024-06-11T07:40");
    assert_eq!(
        dl(
            "从今天白班起执行交接班确认，每班接班后30分钟内在本群发确认，白班8:30前、夜班20:30前。",
            &c
        )
        .as_deref(),
        Some("2024-06-11T08:30")
    );
}

#[test]
fn a_bare_before_the_holiday_and_this_week_said_otherwise() {
    // Said on Thursday 6 June 2024: the next holiday is 端午 (Mon 10 June).
    let c = zh("2024-06-06T17:00");
    assert_eq!(
        dl("还没学完的：周强、吴芳，抓紧，节前必须学完。", &c).as_deref(),
        Some("2024-06-09")
    );
    // 节前 naming the work is no deadline.
    assert_eq!(dl("节前安全自查表各村已交齐，已汇总。", &c), None);
    let c = zh("2024-05-20T16:30");
    assert_eq!(
        dl("美玲 你们社会课这礼拜内把名册整理出来给我看。", &c).as_deref(),
        Some("2024-05-24")
    );
    let e = en("2024-05-20T11:30");
    assert_eq!(
        dl(
            "Could someone get it cleared before the weekend please?",
            &e
        )
        .as_deref(),
        Some("2024-05-24")
    );
}

#[test]
fn tomorrow_morning_is_tomorrow_and_a_greeting_is_no_time() {
    // Said after noon, "tomorrow morning" is still tomorrow (it was read on
    // the send day).
    let c = en("2024-05-13T15:10");
    assert_eq!(
        dl(
            "please file the incident form before you go home tomorrow morning",
            &c
        )
        .as_deref(),
        Some("2024-05-14")
    );
    assert_eq!(
        dl("rota changes to me by tomorrow morning", &c).as_deref(),
        Some("2024-05-14")
    );
    // "Morning all" greets; the ask's time is later in the text.
    let c = en("2024-05-13T08:10");
    assert_eq!(
        dl("Morning all. Can the van be washed before the weekend?", &c).as_deref(),
        Some("2024-05-17")
    );
    assert_eq!(
        dl("Good morning team! Timesheets by Wednesday please.", &c).as_deref(),
        Some("2024-05-15")
    );
    // Not a greeting: a part of day that times the ask.
    assert_eq!(
        dl("Sign the visitor book this afternoon please", &c).as_deref(),
        Some("2024-05-13")
    );
}

#[test]
fn a_bare_hour_beside_a_short_day_word_and_the_event_it_starts() {
    let c = en("2024-05-13T09:40");
    assert_eq!(
        dl("Priya pls drop the keys at reception by 11 tmrw.", &c).as_deref(),
        Some("2024-05-14T11:00")
    );
    assert_eq!(
        dl(
            "can you both check the sluice room tomorrow before 9 with the audit tool?",
            &c
        )
        .as_deref(),
        Some("2024-05-14T09:00")
    );
    // The day after the event the time starts, not a day named before.
    let c = en("2024-05-13T10:15");
    assert_eq!(
        dl(
            "Audit is Thu/Fri. I need the fridge logs on my desk before 0800 briefing tomorrow.",
            &c
        )
        .as_deref(),
        Some("2024-05-14T08:00")
    );
}

#[test]
fn a_standing_rule_after_a_one_off_ask_yields_to_it() {
    let c = zh("2024-05-07T09:00");
    // The one-off ask first, then a weekly rule: the headline is the first.
    assert_eq!(
        dl(
            "请各站所5月24日前报送一季度工作小结；另外从本周开始，每周四下午4点前报当周巡查台账。",
            &c
        )
        .as_deref(),
        Some("2024-05-24")
    );
    assert_eq!(
        dl(
            "1.请于5月20日前上报培训名单；\n2.自下周起，每周一上午10点前上报考勤。",
            &c
        )
        .as_deref(),
        Some("2024-05-20")
    );
    // A standing rule alone is labelled as its first instance.
    assert_eq!(
        dl("以后每周五下班前报本周巡查记录", &c).as_deref(),
        Some("2024-05-10T17:30")
    );
}

#[test]
fn a_time_said_instead_replaces_the_one_it_moves() {
    let c = en("2024-05-13T09:00");
    assert_eq!(
        dl(
            "I'm off Thursday, so could you send the rota on Wednesday instead? The usual date is still Friday 17/05.",
            &en_gb("2024-05-13T09:00")
        )
        .as_deref(),
        Some("2024-05-15")
    );
    // "instead of" sets a day aside.
    assert_eq!(
        dl("please send it Friday instead of Monday", &c).as_deref(),
        Some("2024-05-17")
    );
}

#[test]
fn in_an_ask_in_steps_the_hand_in_time_governs_in_english_too() {
    let c = en_gb("2024-05-14T10:05");
    assert_eq!(
        dl(
            "Can you visit the site within 24 hours, and email me the notes + photos by close of play Thursday?",
            &c
        )
        .as_deref(),
        Some("2024-05-16T17:00")
    );
    // The sender's own hand-in is no reader's step.
    assert_eq!(
        dl(
            "Please log every complaint on the tracker by 1pm each day, so I can send it to the director before 4.",
            &c
        )
        .as_deref(),
        Some("2024-05-14T13:00")
    );
}

#[test]
fn a_visiting_partys_time_is_not_the_readers_deadline() {
    let c = zh("2024-05-07T10:00");
    assert_eq!(
        dl(
            "省督导组定于5月9日（周四）上午9:30到我镇检查防汛工作。请各村明天下班前把巡查台账整理到位。",
            &c
        )
        .as_deref(),
        Some("2024-05-08T17:30")
    );
    assert_eq!(
        dl(
            "验收组时间调整为5月9日下午3点，资料还是明天中午12点前交到办公室。",
            &c
        )
        .as_deref(),
        Some("2024-05-08T12:00")
    );
    // The readers' own arrival still governs their attendance.
    assert_eq!(
        dl("周四下午3点开会，请各村2点50前到会议室签到", &c).as_deref(),
        Some("2024-05-09T14:50")
    );
}

#[test]
fn an_emoji_does_not_make_english_text_chinese() {
    // A numeric date with no mark after it is no date in Chinese text (a
    // count like 1/3); an emoji or a dash is not Chinese.
    let c = en_gb("2024-05-23T08:00");
    assert_eq!(
        dl(
            "📣 Rota poll is open until 12 noon Fri 07/06. Takes 2 mins.",
            &c
        )
        .as_deref(),
        Some("2024-06-07T12:00")
    );
    assert_eq!(
        dl("✅ forms back by 14/06.", &c).as_deref(),
        Some("2024-06-14")
    );
    // Chinese text still needs the mark.
    let z = zh("2024-05-23T08:00");
    assert_eq!(dl("已完成1/3了，请继续", &z), None);
}

#[test]
fn a_zone_between_a_time_and_its_day_belongs_to_the_time() {
    let c = en("2024-05-20T07:50");
    assert_eq!(
        dl("Folders to the front office by noon ET Tuesday 5/21.", &c).as_deref(),
        Some("2024-05-21T12:00")
    );
    assert_eq!(
        dl("Slides to me by 9am PT Thursday", &c).as_deref(),
        Some("2024-05-23T09:00")
    );
}

#[test]
fn around_a_holiday_rosters_and_standing_rules() {
    let c = zh("2024-06-03T07:40");
    // 端午前后 is around the holiday; the standing rule's first instance.
    assert_eq!(
        dl(
            "各村注意：端午前后是防汛关键期，从今天起每天上午10点前在群里报巡查情况。",
            &c
        )
        .as_deref(),
        Some("2024-06-03T10:00")
    );
    // A daily time on the days a roster names: the first of them.
    let c = zh("2024-06-07T16:00");
    assert_eq!(
        dl(
            "端午值班：8日 王强，9日 李敏，10日 周红。每天早上8点半到镇值班室交接。",
            &c
        )
        .as_deref(),
        Some("2024-06-08T08:30")
    );
    // A one-off ask today, then a nightly rule: the headline is today's.
    let c = zh("2024-06-07T13:00");
    assert_eq!(
        dl(
            "各位网格员：今天下班前把空置房排查表交上来；放假期间每晚8点前在群里报平安。",
            &c
        )
        .as_deref(),
        Some("2024-06-07T17:30")
    );
}

#[test]
fn the_readers_departure_outranks_the_moved_event() {
    let c = zh("2024-06-06T13:35");
    assert_eq!(
        dl("小刘 培训推迟到3点，我们2点15再出发", &c).as_deref(),
        Some("2024-06-06T14:15")
    );
}

#[test]
fn names_of_todays_work_calendars_and_set_days() {
    let c = zh("2024-06-12T08:35");
    // 今天 + a short name + 的 names today's instance, no time.
    assert_eq!(dl("@小董 今天夜班的交接记录还没看到", &c), None);
    assert_eq!(dl("今天北村的巡河照片还差两张", &c), None);
    // A time still times it.
    assert_eq!(
        dl("今天下午的照片5点前发群里", &c).as_deref(),
        Some("2024-06-12T17:00")
    );
    // A school calendar's dates are context.
    let c = zh("2024-06-04T10:40");
    assert_eq!(
        dl(
            "【转发】致家长的一封信：端午节6月8日至10日放假，6月11日（星期二）正常上课。请各位家长看到后回复收到。",
            &c
        ),
        None
    );
    // The day an event is set for (订/定), over a side ask after it.
    let c = zh("2024-05-20T08:30");
    assert_eq!(
        dl(
            "本周例会订周三(5/22)上午9点，请各科准备汇报。\n另外，上周的进度表还没交的，请今天下班前传给我。",
            &c
        )
        .as_deref(),
        Some("2024-05-22T09:00")
    );
}

#[test]
fn a_bracketed_dotted_date_says_which_day() {
    let c = zh("2024-11-11T11:30");
    assert_eq!(
        dl(
            "【转发】关于报送自查报告的通知：2024年11月22日前报县局。\n——\n小郑牵头，初稿下周一（11.18）前给我。",
            &c
        )
        .as_deref(),
        Some("2024-11-18")
    );
}

#[test]
fn this_week_in_a_statement_about_it_is_no_deadline() {
    let c = zh("2024-06-11T10:50");
    assert_eq!(
        dl(
            "咱们班组本周应该没有动火作业，@小江 你核实一下，没有的话报个“无”",
            &c
        ),
        None
    );
    assert_eq!(dl("本周有两家单位要来检查，大家把现场收拾一下", &c), None);
    // It still times an ask.
    assert_eq!(
        dl("本周把动火作业台账报安全科", &c).as_deref(),
        Some("2024-06-14")
    );
}

#[test]
fn the_senders_own_due_date_and_a_date_naming_a_thing_are_context() {
    let c = en("2024-05-13T15:00");
    assert_eq!(
        dl(
            "I owe the director a staffing plan by 5/31 and want your input first. Notes to me by Thursday please.",
            &c
        )
        .as_deref(),
        Some("2024-05-16")
    );
    let g = en_gb("2024-05-13T16:40");
    assert_eq!(
        dl(
            "Priya – Licensing Committee report (20/06): first draft to me Tuesday week please.",
            &g
        )
        .as_deref(),
        Some("2024-05-21")
    );
    // A bracketed date after a time word is the deadline.
    assert_eq!(
        dl("Returns due date (24/05), no extensions.", &g).as_deref(),
        Some("2024-05-24")
    );
}

#[test]
fn a_roles_side_job_after_the_headline_and_steps_then_hand_in() {
    let c = en_gb("2024-05-21T09:05");
    assert_eq!(
        dl(
            "Evacuation drill, Town Hall, tomorrow (Weds 22/05) at 11:00. Everyone out by the nearest exit. First aiders: grab the kits by 10:45, headcounts back to me by noon.",
            &c
        )
        .as_deref(),
        Some("2024-05-22T11:00")
    );
    // A heading is no role: "Deadline:" times the ask itself.
    assert_eq!(
        dl("Quarterly returns. Deadline: Friday 24/05 noon.", &c).as_deref(),
        Some("2024-05-24T12:00")
    );
    // One ask in steps: finished by Thursday, its record handed in Friday.
    let z = zh("2024-06-04T15:10");
    assert_eq!(
        dl(
            "各村：消防栓本周四前检查完，检查记录表周五上午交镇安办。",
            &z
        )
        .as_deref(),
        Some("2024-06-07")
    );
    // Someone else's announcement after the finish is no hand-in.
    assert_eq!(
        dl(
            "请各位干部于本周四下班前完成专题学习，组织部周五通报学时。",
            &z
        )
        .as_deref(),
        Some("2024-06-06T17:30")
    );
}

#[test]
fn a_run_of_digits_before_a_unit_is_no_duration_and_does_not_overflow() {
    let c = zh("2024-05-07T08:30");
    // Found by the arbitrary-Unicode property test: the calendar overflowed.
    assert_eq!(dl("2024122024小时内", &c), None);
    assert_eq!(dl("99999999999999分钟内", &c), None);
    assert_eq!(dl("开会提前99999999999999分钟到场", &c), None);
    assert_eq!(dl("48小时内回复", &c).as_deref(), Some("2024-05-09T08:30"));
}

#[test]
fn a_week_that_says_what_a_thing_covers_or_when_things_happened_is_no_deadline() {
    // Tuesday 21 May 2024.
    let c = en("2024-05-21T10:10");
    // Inside an of-phrase after a noun: what the list covers.
    assert_eq!(
        dl(
            "Could someone send me a summary of the parking complaints on Mill St this week?",
            &c
        ),
        None
    );
    assert_eq!(
        dl(
            "Send me the names of anyone off sick this week by Thursday.",
            &c
        )
        .as_deref(),
        Some("2024-05-23")
    );
    // Told in the perfect: when things happened.
    assert_eq!(
        dl(
            "We've had three complaints about the bins this week. Can you check the sheet by 3?",
            &c
        )
        .as_deref(),
        Some("2024-05-21T15:00")
    );
    // When to do it: a share of the work, or the object of the verb.
    assert_eq!(
        dl("Please complete all of your training this week.", &c).as_deref(),
        Some("2024-05-24")
    );
    assert_eq!(
        dl("Please send your timesheets this week.", &c).as_deref(),
        Some("2024-05-24")
    );
}

#[test]
fn the_senders_own_engagement_is_context() {
    let c = en("2024-05-21T10:10");
    // "I've a meeting on the 29th" says why the sender needs it, not when.
    assert_eq!(
        dl(
            "Can you pull the figures together? I've a residents' meeting on the 29th.",
            &c
        ),
        None
    );
    assert_eq!(
        dl(
            "I've got a budget meeting on Friday, so please send me your figures by Thursday noon.",
            &c
        )
        .as_deref(),
        Some("2024-05-23T12:00")
    );
    // The sender's "I have a …" before the ask itself leaves its time alone.
    assert_eq!(
        dl(
            "I have a favour to ask: can you send me the rota by Friday?",
            &c
        )
        .as_deref(),
        Some("2024-05-24")
    );
    // Not the sender's: the readers'.
    assert_eq!(
        dl("Please book the room for the meeting on the 29th.", &c).as_deref(),
        Some("2024-05-29")
    );
}

#[test]
fn at_once_is_no_clock_time() {
    let c = zh("2024-06-15T09:30");
    // 第一时间 means "at once": no 1 o'clock.
    assert_eq!(
        dl("周末值班人员保持通讯畅通，遇突发情况第一时间报告。", &c),
        None
    );
    assert_eq!(dl("遇到险情第1时间上报", &c), None);
    // 一点 "a bit" is no 1 o'clock either.
    assert_eq!(
        dl("大家动作快一点，今天把表交了", &c).as_deref(),
        Some("2024-06-15")
    );
    assert_eq!(dl("材料注意一点格式，别出错", &c), None);
    // 一日三报 is three a day, not the 1st of next month.
    assert_eq!(dl("汛期一日三报，各村按时报", &c), None);
    // An hour after a numeral is still one.
    assert_eq!(
        dl("下午三时前报送", &c).as_deref(),
        Some("2024-06-15T15:00")
    );
}
