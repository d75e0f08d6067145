module gohog

go 1.19
