// Original file: proto/admin.proto


export interface ElectionWon {
}

export interface ElectionWon__Output {
}
