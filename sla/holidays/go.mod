module github.com/sqkit/sqkit/sla/holidays

go 1.24

require (
	github.com/6tail/lunar-go v1.4.7
	github.com/sqkit/sqkit v0.0.0-00010101000000-000000000000
	github.com/stretchr/testify v1.12.1
	github.com/teambition/rrule-go v1.8.2
)

require (
	github.com/benbjohnson/clock v1.3.5 // indirect
	go.yaml.in/yaml/v3 v3.0.5 // indirect
)

replace github.com/sqkit/sqkit => ../..
