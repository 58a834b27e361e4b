// Original file: proto/admin.proto


export interface TermExhausted {
}

export interface TermExhausted__Output {
}
