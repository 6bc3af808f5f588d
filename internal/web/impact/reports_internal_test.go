package impact

import (
	"reflect"
	"testing"
)

func TestColumnsIn(t *testing.T) {
	header := []string{"Lieu", "a", "b", "c", "d", "e", "f", "g"}
	rows := [][]string{{"Lemieux", "1", "2", "3", "4", "5", "6", "7"}}
	parts := columnsIn(header, rows, 4)
	want := []tablePart{
		{[]string{"Lieu", "a", "b", "c"}, [][]string{{"Lemieux", "1", "2", "3"}}},
		{[]string{"Lieu", "d", "e", "f"}, [][]string{{"Lemieux", "4", "5", "6"}}},
		{[]string{"Lieu", "g"}, [][]string{{"Lemieux", "7"}}},
	}
	if !reflect.DeepEqual(parts, want) {
		t.Errorf("parts = %v", parts)
	}
	if parts := columnsIn(header[:3], rows, 4); len(parts) != 1 || len(parts[0].header) != 3 {
		t.Errorf("a narrow table was split: %v", parts)
	}
}
