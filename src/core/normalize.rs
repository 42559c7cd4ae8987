//! Text folding shared by extraction and matching: one canonical form for
//! full-width forms, traditional variants and Chinese numerals.

/// Fold `text` for matching: full-width ASCII to half-width, ideographic
/// punctuation to ASCII where it carries meaning for times, traditional
/// variants that matter here to simplified, ASCII to lower case, and Chinese
/// numerals that count something (3月, 两点, 二〇二四年) to digits.
pub fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut numerals = false;
    for c in text.chars() {
        // ASCII, the common case, only changes case.
        if c.is_ascii() {
            out.push(c.to_ascii_lowercase());
            continue;
        }
        let c = match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            '週' => '周',
            '禮' => '礼',
            '點' => '点',
            '時' => '时',
            '號' => '号',
            '後' => '后',
            '兩' => '两',
            '個' => '个',
            '內' => '内',
            '這' => '这',
            '節' => '节',
            '誕' => '诞',
            '聖' => '圣',
            '慶' => '庆',
            '國' => '国',
            '陽' => '阳',
            '農' => '农',
            '曆' | '歷' => '历',
            '臘' => '腊',
            '當' => '当',
            '鐘' => '钟',
            '頭' => '头',
            '兒' => '儿',
            '婦' => '妇',
            '勞' => '劳',
            '動' => '动',
            '軍' => '军',
            '萬' => '万',
            '間' => '间',
            '從' => '从',
            '來' => '来',
            '為' => '为',
            '聽' => '听',
            '晝' => '昼',
            '東' => '东',
            '復' => '复',
            '現' => '现',
            '尋' => '寻',
            '穌' => '稣',
            '難' => '难',
            '體' => '体',
            '樹' => '树',
            '靈' => '灵',
            '臨' => '临',
            '紀' => '纪',
            '費' => '费',
            '權' => '权',
            '獨' => '独',
            '歸' => '归',
            '設' => '设',
            '齋' => '斋',
            '開' => '开',
            '門' => '门',
            '會' => '会',
            '猶' => '犹',
            '圖' => '图',
            '衛' => '卫',
            '寶' => '宝',
            '薩' => '萨',
            '蘭' => '兰',
            '勝' => '胜',
            '誦' => '诵',
            '經' => '经',
            '轉' => '转',
            '麗' => '丽',
            '灑' => '洒',
            '紅' => '红',
            '歡' => '欢',
            '爾' => '尔',
            '龐' => '庞',
            '豐' => '丰',
            '餅' => '饼',
            '黃' => '黄',
            '\u{00B7}' | '\u{30FB}' => '·',
            '—' | '–' | '〜' => '-',
            '\u{2236}' => ':',
            _ => c,
        };
        numerals |= is_numeral(c);
        out.push(c.to_ascii_lowercase());
    }
    if numerals {
        convert_numerals(&out)
    } else {
        out
    }
}

fn digit(c: char) -> Option<u32> {
    Some(match c {
        '零' | '〇' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

fn is_numeral(c: char) -> bool {
    digit(c).is_some() || matches!(c, '十' | '百' | '千' | '廿' | '卅')
}

/// A run with a place word (十, 百, 千, 廿, 卅) is read by value; one without
/// (二〇二四, 九零) digit by digit.
fn positional(run: &[char]) -> bool {
    run.iter()
        .any(|c| matches!(c, '十' | '百' | '千' | '廿' | '卅'))
}

/// Characters after which a run of Chinese numerals is a count or a date
/// part, so it is safe to turn into digits.
fn is_unit(c: char) -> bool {
    matches!(
        c,
        '年' | '月' | '日' | '号' | '点' | '时' | '分' | '个' | '小' | '天' | '周' | '刻' | '秒'
    )
}

/// The value of a numeral run like 十二, 二十三, 一百零五; year-style runs
/// (二〇二四) are read digit by digit.
fn numeral_value(run: &[char]) -> Option<String> {
    if !positional(run) {
        return Some(
            run.iter()
                .filter_map(|&c| digit(c))
                .map(|d| char::from_digit(d, 10).unwrap_or('0'))
                .collect(),
        );
    }
    let mut total = 0u32;
    let mut cur = 0u32;
    for &c in run {
        match c {
            '十' => {
                total += if cur == 0 { 10 } else { cur * 10 };
                cur = 0;
            }
            '百' => {
                total += cur.max(1) * 100;
                cur = 0;
            }
            '千' => {
                total += cur.max(1) * 1000;
                cur = 0;
            }
            '廿' => {
                total += 20;
                cur = 0;
            }
            '卅' => {
                total += 30;
                cur = 0;
            }
            _ => cur = digit(c)?,
        }
    }
    Some((total + cur).to_string())
}

fn convert_numerals(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        if is_numeral(chars[i]) {
            let start = i;
            while i < chars.len() && is_numeral(chars[i]) {
                i += 1;
            }
            let run = &chars[start..i];
            let prev = if start > 0 {
                Some(chars[start - 1])
            } else {
                None
            };
            let next = chars.get(i).copied();
            // 周一 / 星期三 / 礼拜五 are weekdays, not counts.
            let weekday = matches!(prev, Some('周' | '期' | '拜'));
            // 一刻 / 三刻 stay literal: quarter hours are read by the deadline parser.
            let quarter = next == Some('刻');
            let after_hour = matches!(prev, Some('点' | '时')) && next != Some('刻');
            // 八月十五 / 初八 / 廿二: the day of a (lunar) month, unless a
            // counter follows (三月一次).
            let day_of_month = matches!(prev, Some('月' | '初'))
                && !next.is_some_and(|c| "次个批场份人项家起期届回趟遍轮".contains(c));
            // 廿二 / 卅 without 日 or 号 mark a lunar day: left for the parser.
            let lunar_day = (run[0] == '廿' || run[0] == '卅') && !next.is_some_and(is_unit);
            let convert = !weekday
                && !quarter
                && !lunar_day
                && (next.is_some_and(is_unit) || after_hour || day_of_month);
            match (convert, numeral_value(run)) {
                (true, Some(v)) => out.push_str(&v),
                _ => out.extend(run.iter()),
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn full_width_and_case() {
        assert_eq!(fold("１７：００前 EOD"), "17:00前 eod");
    }

    #[test]
    fn numerals_with_units() {
        assert_eq!(fold("十二月三日"), "12月3日");
        assert_eq!(fold("二〇二四年一月"), "2024年1月");
        assert_eq!(fold("两点半"), "2点半");
        assert_eq!(fold("五点一刻"), "5点一刻");
        assert_eq!(fold("二十三号"), "23号");
        assert_eq!(fold("三个工作日内"), "3个工作日内");
        assert_eq!(fold("五点三十"), "5点30");
        assert_eq!(fold("两千零四年八月十五"), "2004年8月15");
        assert_eq!(fold("九零年"), "90年");
        assert_eq!(fold("五月廿二"), "5月廿二");
        assert_eq!(fold("腊月初十"), "腊月初10");
        assert_eq!(fold("三月一次"), "3月一次");
        assert_eq!(fold("下個月廿號"), "下个月20号");
    }

    #[test]
    fn weekdays_and_words_untouched() {
        assert_eq!(fold("下周一"), "下周一");
        assert_eq!(fold("星期三"), "星期三");
        assert_eq!(fold("週五"), "周五");
        assert_eq!(fold("一起"), "一起");
        assert_eq!(fold("三八节"), "三八节");
    }
}
