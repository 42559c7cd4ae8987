//! Synthetic but realistic work-group traffic for benchmarks: Chinese asks
//! built from templates (many share one), with units, deliverables, topics,
//! periods, people and deadlines drawn by a seeded generator.

#![allow(dead_code)]

use onedigest::event::Event;
use onedigest::model::{ChatId, UserId};

/// A small deterministic generator (xorshift64*), so runs are comparable.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545F4914F6CDD1D)
    }

    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
}

const UNITS: &[&str] = &[
    "各乡镇",
    "各村",
    "各社区",
    "各办（站、所）",
    "各支部",
    "各网格员",
    "各文化站",
    "各位",
    "全体干部",
];
const DEPTS: &[&str] = &[
    "县委宣传部",
    "县文旅体局",
    "县应急局",
    "县民政局",
    "县委组织部",
    "镇党政办",
    "镇应急办",
    "街道安办",
    "城管科",
    "县防办",
];
const TOPICS: &[&str] = &[
    "防汛物资储备",
    "学雷锋志愿服务活动",
    "安全生产隐患",
    "餐饮商户燃气安全",
    "九小场所消防",
    "文化活动开展情况",
    "高龄津贴资格复核",
    "网络学院学时",
    "意识形态工作责任制",
    "党费收缴",
    "主汛期防汛值班",
    "森林防火巡查",
    "农村危房改造",
    "疫苗接种进度",
    "防溺水宣传",
    "垃圾分类督查",
    "电动车飞线充电整治",
    "退役军人信息采集",
    "低保对象动态管理",
    "河长制巡河",
    "地质灾害隐患点排查",
    "新时代文明实践",
    "农家书屋开放",
    "志愿服务时长录入",
    "困难群众走访慰问",
];
const DELIVERABLES: &[&str] = &[
    "统计表",
    "台账",
    "值班表",
    "工作总结",
    "自查表",
    "照片3张",
    "截图",
    "名单",
    "花名册",
    "工作方案",
    "情况说明",
    "登记表",
];
const PERIODS: &[&str] = &[
    "",
    "",
    "3月份",
    "第一季度",
    "2024年度",
    "6月上旬",
    "本周",
    "上半年",
];
const WHEN: &[&str] = &[
    "今天下午5点前",
    "明天中午12点前",
    "周三下班前",
    "3月6日前",
    "本周五前",
    "6月19日17:00前",
    "明天上午10点前",
    "月底前",
    "48小时内",
];
const VILLAGES: &[&str] = &[
    "石桥", "柳塘", "沙湾", "新洲", "东坪", "青枫", "桂香", "枫林", "河口", "云岭", "白沙", "龙潭",
];

/// One ask's text, from one of several templates.
pub fn ask(rng: &mut Rng) -> String {
    let (u, d, t, dl, p, w) = (
        rng.pick(UNITS),
        rng.pick(DEPTS),
        rng.pick(TOPICS),
        rng.pick(DELIVERABLES),
        rng.pick(PERIODS),
        rng.pick(WHEN),
    );
    let v = rng.pick(VILLAGES);
    match rng.below(6) {
        0 => format!("【通知】{u}：根据{d}要求，请于{w}报送{p}{t}{dl}，逾期通报。"),
        1 => format!("{u}：{d}要{p}{t}的{dl}，请{w}发我，我汇总后上报。"),
        2 => format!("再次提醒：{t}{dl}{w}截止，{v}村还没交，请抓紧。"),
        3 => format!("转发{d}通知：请{u}{w}完成{t}，{dl}报{d}。"),
        4 => format!("{v}村 {t}{dl}你负责一下，{w}给我。"),
        _ => format!("{u}：{p}{t}工作请认真落实，{dl}{w}上传系统。"),
    }
}

/// A log of `groups` groups with `people` members spread over them, then
/// `tasks` asks, all due far in the future so every one stays pending.
pub fn log(rng: &mut Rng, groups: usize, people: usize, tasks: usize) -> Vec<Event> {
    let mut evs = Vec::with_capacity(tasks + groups * 10 + people);
    for u in 0..people {
        evs.push(Event::Person {
            user_id: UserId(1 + u as i64),
            name: format!("用户{u}"),
            username: None,
        });
    }
    for g in 0..groups {
        let chat = ChatId(-1_001_000_000_000 - g as i64);
        evs.push(Event::Group {
            chat_id: chat,
            title: format!("工作群{g}"),
            owner_id: Some(UserId(1 + (g % people) as i64)),
        });
        for k in 0..8 {
            evs.push(Event::Member {
                chat_id: chat,
                user_id: UserId(1 + ((g * 7 + k) % people) as i64),
                date: None,
            });
        }
    }
    let start = chrono::DateTime::parse_from_rfc3339("2024-03-04T08:00:00+08:00").expect("date");
    for i in 0..tasks {
        evs.push(message(
            rng,
            groups,
            people,
            i as i64 + 1,
            start + chrono::Duration::milliseconds(i as i64 * 10),
        ));
    }
    evs
}

pub fn message(
    rng: &mut Rng,
    groups: usize,
    people: usize,
    id: i64,
    date: chrono::DateTime<chrono::FixedOffset>,
) -> Event {
    let g = rng.below(groups);
    Event::Message {
        chat_id: ChatId(-1_001_000_000_000 - g as i64),
        message_id: id,
        sender_id: UserId(1 + ((g * 7 + rng.below(8)) % people) as i64),
        date,
        text: ask(rng),
        reply_to_message_id: None,
        mentions: vec![],
    }
}
