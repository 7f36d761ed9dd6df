package feedback

import (
	"errors"
)

// Seed root-cause categories.
const (
	CategoryProductQuality = "product_quality"
	CategoryLogistics      = "logistics_delivery"
	CategoryServiceProcess = "service_process"
	// CategoryUncategorised is what CategoryTally records for a complaint
	// no rule matched (an empty category).
	CategoryUncategorised = "uncategorised"
)

// Category is a root-cause category complaints are classified into.
type Category struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description,omitempty"`
}

// Rule maps complaint text to a category: the rule matches when at least
// one of its Keywords occurs in the text and none of its Exclude terms does.
// Matching is by substring, so it needs no word splitting and works the same
// on Chinese and English. It is blind to case (Unicode simple lower-case
// mapping, the same as strings.ToLower) and to the script of Chinese:
// keywords and text are compared after [Fold], so a keyword written in
// simplified characters matches traditional text (质量 matches 產品質量),
// one written in traditional characters matches simplified text, and
// either matches text that mixes both. When several rules match, the
// highest Priority wins, and among equal priorities the rule listed first.
type Rule struct {
	ID       string   `json:"id"`
	Category string   `json:"category"`
	Keywords []string `json:"keywords"`
	Exclude  []string `json:"exclude,omitempty"`
	Priority int      `json:"priority"`
}

// RuleSet is the configuration a Classifier is built from: the categories
// and the rules, in order. It is a plain value with JSON tags.
type RuleSet struct {
	Categories []Category `json:"categories"`
	Rules      []Rule     `json:"rules"`
}

// SeedRuleSet returns a starting rule set with the three seed categories
// (product quality, logistics and delivery, service process) and keyword
// rules in Chinese and English. The Chinese keywords are written in
// simplified characters and match traditional text as well (see [Fold]);
// a few are words used in Taiwan or Hong Kong rather than on the mainland
// (品质差 and 品质不良 for 质量差, 宅配 and 速递 for home delivery and courier,
// Cantonese 冇收到 for 没收到). 品质 alone is not a keyword: it would match
// across the two words of 产品质检 (product inspection). Append your own
// categories and rules, or edit these, before building a Classifier.
func SeedRuleSet() RuleSet {
	return RuleSet{
		Categories: []Category{
			{ID: CategoryProductQuality, Name: "Product quality", Description: "defects, faults, counterfeit or not as described"},
			{ID: CategoryLogistics, Name: "Logistics and delivery", Description: "late, lost or damaged deliveries, couriers, tracking"},
			{ID: CategoryServiceProcess, Name: "Service process", Description: "attitude, response, refunds, transfers, waiting"},
		},
		Rules: []Rule{
			{
				ID: "transit-damage", Category: CategoryLogistics, Priority: 40,
				Keywords: []string{"运输中损坏", "包装破损", "外包装破", "damaged in transit", "damaged package", "box was crushed"},
			},
			{
				ID: "product-defect", Category: CategoryProductQuality, Priority: 30,
				Keywords: []string{"质量", "品质差", "品质很差", "品质不好", "品质不良", "品质有问题", "坏了", "坏掉", "坏咗", "故障", "瑕疵", "假货", "不能用", "用不了", "破损", "defect", "broken", "faulty", "poor quality", "stopped working", "counterfeit", "fake", "not as described"},
				Exclude:  []string{"没有质量问题", "质量很好", "没有品质问题", "品质很好", "no defect", "quality is great"},
			},
			{
				ID: "delivery", Category: CategoryLogistics, Priority: 20,
				Keywords: []string{"快递", "物流", "配送", "送货", "发货", "没收到", "冇收到", "丢件", "延误", "宅配", "速递", "delivery", "shipping", "courier", "delayed", "lost package", "not received", "never arrived", "tracking"},
			},
			{
				ID: "service", Category: CategoryServiceProcess, Priority: 10,
				Keywords: []string{"客服", "态度", "没人回复", "冇人回复", "不回复", "推诿", "流程", "退款", "售后", "等了很久", "rude", "no response", "no reply", "refund", "on hold", "transferred", "customer service", "waited"},
			},
		},
	}
}

// Validate reports every problem in the rule set at once, with field
// paths: empty or duplicate ids, rules naming an unknown category, rules
// with no keyword, and empty keywords or exclusion terms.
func (rs RuleSet) Validate() error {
	errs := checkIDs(len(rs.Categories), func(i int) string { return rs.Categories[i].ID }, indexed("categories[%d].id"), "category")
	errs = append(errs, checkIDs(len(rs.Rules), func(i int) string { return rs.Rules[i].ID }, indexed("rules[%d].id"), "rule")...)
	cats := make(map[string]bool, len(rs.Categories))
	for _, c := range rs.Categories {
		cats[c.ID] = true
	}
	for i, r := range rs.Rules {
		if !cats[r.Category] {
			errs = append(errs, fieldErr(pathf("rules[%d].category", i), "unknown category %q", r.Category))
		}
		if len(r.Keywords) == 0 {
			errs = append(errs, fieldErr(pathf("rules[%d].keywords", i), "no keywords"))
		}
		for j, k := range r.Keywords {
			if k == "" {
				errs = append(errs, fieldErr(pathf("rules[%d].keywords[%d]", i, j), "empty keyword"))
			}
		}
		for j, k := range r.Exclude {
			if k == "" {
				errs = append(errs, fieldErr(pathf("rules[%d].exclude[%d]", i, j), "empty exclusion"))
			}
		}
	}
	return errors.Join(errs...)
}

// Result is the outcome of classifying one text. Matched is false when no
// rule matched; Category and Rule are then empty.
type Result struct {
	Matched  bool   `json:"matched"`
	Category string `json:"category,omitempty"`
	Rule     string `json:"rule,omitempty"`
	Priority int    `json:"priority,omitempty"`
}

// Match is one rule that matched a text, for explanations.
type Match struct {
	Rule     string `json:"rule"`
	Category string `json:"category"`
	Priority int    `json:"priority"`
}
