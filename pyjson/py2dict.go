package pyjson

import "unicode/utf8"

// Python 2.7 dicts iterate in hash-table order, not insertion order; a
// body json.dumps wrote under Python 2 (monasca-notification up to Ocata)
// has its keys in that order. Hash randomisation is off by default in
// Python 2, so the order is the same in every process.

// Py2Hash is CPython 2.7's hash of a string (string_hash for a str,
// unicode_hash for a unicode: the same loop, over bytes or, on the UCS-4
// builds Linux distributions shipped, over code points), 64-bit.
func Py2Hash(s string, unicode bool) int64 {
	var units []uint64
	if unicode && !isASCII(s) {
		for _, r := range s {
			units = append(units, uint64(r))
		}
	} else {
		for i := 0; i < len(s); i++ {
			units = append(units, uint64(s[i]))
		}
	}
	if len(units) == 0 {
		return 0
	}
	x := units[0] << 7
	for _, u := range units {
		x = (1000003 * x) ^ u
	}
	x ^= uint64(len(units))
	h := int64(x)
	if h == -1 {
		h = -2
	}
	return h
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// Py2DictOrder returns keys (distinct, in insertion order) in the order a
// CPython 2.7 dict iterates them. presized is the BUILD_MAP size hint of a
// dict display ({k: v, ...} with that many items; _PyDict_NewPresized
// sizes the table only above 5), 0 for a dict filled from empty (as
// json.loads does). unicode selects unicode_hash (json.loads' keys) over
// string_hash (str literals); they differ only for non-ASCII text.
func Py2DictOrder(keys []string, presized int, unicode bool) []string {
	type entry struct {
		key  string
		hash int64
	}
	table := make([]*entry, 8) // PyDict_MINSIZE
	insert := func(t []*entry, e *entry) {
		mask := uint64(len(t) - 1)
		i := uint64(e.hash) & mask
		for perturb := uint64(e.hash); t[i&mask] != nil; perturb >>= 5 { // PERTURB_SHIFT
			i = (i << 2) + i + perturb + 1
		}
		t[i&mask] = e
	}
	resize := func(minused int) {
		size := 8
		for size <= minused {
			size <<= 1
		}
		old := table
		table = make([]*entry, size)
		for _, e := range old { // dictresize re-inserts in table order
			if e != nil {
				insert(table, e)
			}
		}
	}
	if presized > 5 {
		resize(presized)
	}
	used := 0
	for _, k := range keys {
		insert(table, &entry{k, Py2Hash(k, unicode)})
		used++
		// PyDict_SetItem: grow when two thirds are filled (no deletions
		// here, so fill is used).
		if used*3 >= len(table)*2 {
			resize(4 * used)
		}
	}
	out := make([]string, 0, len(keys))
	for _, e := range table {
		if e != nil {
			out = append(out, e.key)
		}
	}
	return out
}
