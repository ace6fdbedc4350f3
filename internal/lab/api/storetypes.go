package api

import "github.com/monhook/monhook/internal/lab/store"

type pointT = store.Point
