package loadgen

import (
	"bufio"
	"os"
	"path/filepath"
)

// CountLines counts the records in a JSON Lines file and its rotated
// siblings (path.1, path.2, …): the saved side of "count in the saved file
// == count acknowledged".
func CountLines(path string) (int64, error) {
	files, err := filepath.Glob(path + "*")
	if err != nil {
		return 0, err
	}
	var n int64
	for _, p := range files {
		f, err := os.Open(p)
		if err != nil {
			return 0, err
		}
		sc := bufio.NewScanner(f)
		sc.Buffer(nil, 4<<20)
		for sc.Scan() {
			n++
		}
		err = sc.Err()
		f.Close()
		if err != nil {
			return 0, err
		}
	}
	return n, nil
}
