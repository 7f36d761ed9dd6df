// Command portal is sqkit's reference service portal: a web desk for
// tickets and complaints with SLA countdowns, warning levels, incidents,
// metrics and month-end statements, on SQLite by default or PostgreSQL.
package main

func main() {}
