package feedback_test

import (
	"fmt"

	"github.com/sqkit/sqkit/feedback"
)

// Complaints in traditional characters, from Hong Kong or Taiwan, match
// the simplified seed keywords; a keyword written in traditional characters
// matches simplified text.
func ExampleClassifier_traditional() {
	rs := feedback.SeedRuleSet()
	rs.Categories = append(rs.Categories, feedback.Category{ID: "pricing", Name: "Pricing"})
	rs.Rules = append(rs.Rules, feedback.Rule{
		ID: "price", Category: "pricing", Priority: 15,
		Keywords: []string{"價格太貴", "多收費"}, // written in Taiwan
	})
	c, err := feedback.NewClassifier(rs)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, text := range []string{
		"產品質量有問題",
		"快遞一直沒收到",
		"客服一直不回覆",
		"部機壞咗，用唔到",
		"价格太贵了，还被多收费",
	} {
		fmt.Printf("%-18s %s\n", c.Classify(text).Category, text)
	}
	// Output:
	// product_quality    產品質量有問題
	// logistics_delivery 快遞一直沒收到
	// service_process    客服一直不回覆
	// product_quality    部機壞咗，用唔到
	// pricing            价格太贵了，还被多收费
}

// Find shows the evidence for a classification where it stands in the text
// as written, whatever the script.
func ExampleClassifier_Find() {
	c, err := feedback.NewClassifier(feedback.SeedRuleSet())
	if err != nil {
		fmt.Println(err)
		return
	}
	text := "快遞很快，沒有質量問題，就是客服不回覆"
	fmt.Println(c.Classify(text).Rule)
	for _, o := range c.Find(text) {
		fmt.Printf("%d-%d %s (%s) keyword of %v, exclusion of %v\n", o.Start, o.End, o.Text, o.Term, o.KeywordOf, o.ExclusionOf)
	}
	// Output:
	// delivery
	// 0-6 快遞 (快递) keyword of [delivery], exclusion of []
	// 15-33 沒有質量問題 (没有质量问题) keyword of [], exclusion of [product-defect]
	// 21-27 質量 (质量) keyword of [product-defect], exclusion of []
	// 42-48 客服 (客服) keyword of [service], exclusion of []
	// 48-57 不回覆 (不回复) keyword of [service], exclusion of []
}

// Fold shows the form in which the classifier compares keywords and text.
func ExampleFold() {
	fmt.Println(feedback.Fold("產品質量有問題"))
	fmt.Println(feedback.Fold("快遞一直沒收到 DELIVERY"))
	fmt.Println(feedback.Fold("裡面 裏面 里面"))
	// Output:
	// 产品质量有问题
	// 快递一直没收到 delivery
	// 里面 里面 里面
}
